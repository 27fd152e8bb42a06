// The external load balancer in front of LoadBalancer Services (see README.md).
export { LB_ANNOTATIONS, LOAD_BALANCER_MODELS, labLoadBalancerModel, loadBalancerBehaviour } from './behaviour';
export type { LbBehaviour, LbProduct, LoadBalancerModel } from './behaviour';
export { EXCLUDE_LABEL, KUBE_PROXY_HEALTHZ_PORT, compileLoadBalancer, compileLoadBalancers } from './compile';
export type { CompiledLoadBalancer, HealthCheck, LbListener, LbTarget, NodeHealth } from './compile';
export { chooseTarget, newLbState } from './evaluate';
export type { Flow, LbDecision, LbRuntimeState } from './evaluate';
