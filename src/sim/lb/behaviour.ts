// Which external load balancer a LoadBalancer Service gets, and how that product behaves. Cloud
// controllers read annotations on the Service (the AWS provider's `service.beta.kubernetes.io/
// aws-load-balancer-*`); the lab adds one of its own in the same style and a lab-wide default.
//
//   direct:   the LB delivers the packet to a node with its own address still the destination;
//             kube-proxy's KUBE-EXT/KUBE-FW rules catch that address (GCE network LB, MetalLB).
//   nodeport: the LB sends to a node's NodePort, as AWS Classic ELB and NLB with instance targets
//             do (and most hardware or on-prem load balancers in front of a cluster).

import type { Service } from '../api/types';
import type { LabSettings, LoadBalancerModel } from '../lab';

export type { LoadBalancerModel } from '../lab';
export const LOAD_BALANCER_MODELS: readonly LoadBalancerModel[] = ['direct', 'nodeport'];

export const LB_ANNOTATIONS = {
  /** The lab's own: "direct" or "nodeport". Wins over everything else. */
  model: 'netlab.io/load-balancer-model',
  /** AWS: "nlb" (the in-tree provider) or "external" (AWS Load Balancer Controller); none: Classic ELB. */
  awsType: 'service.beta.kubernetes.io/aws-load-balancer-type',
  /** AWS NLB: "instance" (to every node's NodePort, the default) or "ip" (to pod addresses). */
  awsTargetType: 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type',
  /** AWS: "*" turns on proxy protocol (v1 on a Classic ELB, v2 on an NLB). */
  awsProxyProtocol: 'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol',
  /** AWS NLB target group attributes, e.g. "preserve_client_ip.enabled=false". */
  awsTargetGroupAttributes: 'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes',
} as const;

const AWS_PREFIX = 'service.beta.kubernetes.io/aws-load-balancer-';

export type LbProduct = 'generic-direct' | 'generic-proxy' | 'aws-classic-elb' | 'aws-nlb-instance' | 'aws-nlb-ip';

export interface LbBehaviour {
  model: LoadBalancerModel;
  product: LbProduct;
  /** keep: the packet goes on with its destination unchanged; forward: the destination becomes
   *  node:NodePort, the source stays; proxy: the LB ends the connection and opens its own. */
  delivery: 'keep' | 'forward' | 'proxy';
  /** The source address the node sees: the client's, or the load balancer's own. */
  source: 'client' | 'lb';
  /** round-robin: Classic ELB's TCP listeners and most on-prem LBs; flow-hash: NLB and GCE's
   *  network LB, one 5-tuple always to the same target. */
  algorithm: 'round-robin' | 'flow-hash';
  /** 0: off; 1 or 2: the PROXY protocol header version the LB writes in front of the stream. */
  proxyProtocol: 0 | 1 | 2;
  /** With every target unhealthy, send to all of them anyway (NLB "fails open"); else send nowhere. */
  failOpen: boolean;
  /** What decided, e.g. "annotation service.beta.kubernetes.io/aws-load-balancer-type=nlb". */
  decidedBy: string[];
  /** Annotations that were ignored, and why (shown in the LB's configuration). */
  problems: string[];
}

/** The lab-wide default model (settings.loadBalancer.model); "direct" when unset. */
export function labLoadBalancerModel(settings: Pick<LabSettings, 'loadBalancer'>): LoadBalancerModel {
  return settings.loadBalancer?.model ?? 'direct';
}

function awsProduct(a: Record<string, string>, decidedBy: string[], problems: string[]): LbProduct | null {
  const type = a[LB_ANNOTATIONS.awsType];
  const target = a[LB_ANNOTATIONS.awsTargetType];
  if (type === 'nlb' || type === 'external') {
    decidedBy.push(`annotation ${LB_ANNOTATIONS.awsType}=${type}`);
    if (target === 'ip') {
      decidedBy.push(`annotation ${LB_ANNOTATIONS.awsTargetType}=ip`);
      return 'aws-nlb-ip';
    }
    if (target !== undefined && target !== 'instance') {
      problems.push(
        `${LB_ANNOTATIONS.awsTargetType}: Unsupported value: "${target}": supported values: "instance", "ip"`
      );
    } else if (target === 'instance') decidedBy.push(`annotation ${LB_ANNOTATIONS.awsTargetType}=instance`);
    return 'aws-nlb-instance';
  }
  if (type !== undefined) {
    problems.push(`${LB_ANNOTATIONS.awsType}: Unsupported value: "${type}": supported values: "nlb", "external"`);
  }
  // The in-tree AWS provider makes a Classic ELB unless told otherwise.
  const aws = Object.keys(a).filter((k) => k.startsWith(AWS_PREFIX)).sort();
  if (aws.length === 0) return null;
  decidedBy.push(`annotation ${aws[0]} without ${LB_ANNOTATIONS.awsType} (the AWS provider's default, a Classic ELB)`);
  return 'aws-classic-elb';
}

function productModel(p: LbProduct): LoadBalancerModel {
  return p === 'generic-direct' || p === 'aws-nlb-ip' ? 'direct' : 'nodeport';
}

/** The load balancer a LoadBalancer Service gets in this lab, from its annotations and the lab setting. */
export function loadBalancerBehaviour(svc: Service, settings: Pick<LabSettings, 'loadBalancer'>): LbBehaviour {
  const a = svc.metadata.annotations ?? {};
  const decidedBy: string[] = [];
  const problems: string[] = [];
  let product = awsProduct(a, decidedBy, problems);
  const asked = a[LB_ANNOTATIONS.model];
  let model: LoadBalancerModel;
  if (asked === 'direct' || asked === 'nodeport') {
    decidedBy.unshift(`annotation ${LB_ANNOTATIONS.model}=${asked}`);
    model = asked;
    if (product && productModel(product) !== asked) {
      problems.push(`${LB_ANNOTATIONS.model}=${asked} overrides what the AWS annotations select (${product})`);
      product = null;
    }
  } else {
    if (asked !== undefined) {
      problems.push(`${LB_ANNOTATIONS.model}: Unsupported value: "${asked}": supported values: "direct", "nodeport"`);
    }
    if (product) model = productModel(product);
    else {
      model = labLoadBalancerModel(settings);
      decidedBy.push(`lab setting loadBalancer.model=${model}${settings.loadBalancer?.model ? '' : ' (the default)'}`);
    }
  }
  product ??= model === 'direct' ? 'generic-direct' : 'generic-proxy';
  return { model, product, ...productBehaviour(product, a, decidedBy, problems), decidedBy, problems };
}

function productBehaviour(
  product: LbProduct,
  a: Record<string, string>,
  decidedBy: string[],
  problems: string[],
): Pick<LbBehaviour, 'delivery' | 'source' | 'algorithm' | 'proxyProtocol' | 'failOpen'> {
  const pp = a[LB_ANNOTATIONS.awsProxyProtocol];
  const wantsPP = pp === '*';
  if (pp !== undefined && pp !== '*') problems.push(
    `${LB_ANNOTATIONS.awsProxyProtocol}: Unsupported value: "${pp}": only "*" is supported`
  );
  if (wantsPP) decidedBy.push(`annotation ${LB_ANNOTATIONS.awsProxyProtocol}=*`);
  switch (product) {
    case 'generic-direct':
    case 'aws-nlb-ip':
      if (wantsPP && product === 'generic-direct') problems.push(
        `${LB_ANNOTATIONS.awsProxyProtocol}: a direct (packet-forwarding) load balancer writes no proxy protocol header`
      );
      return {
        delivery: 'keep',
        source: 'client',
        algorithm: 'flow-hash',
        proxyProtocol: wantsPP && product === 'aws-nlb-ip' ? 2 : 0,
        failOpen: product === 'aws-nlb-ip',
      };
    case 'generic-proxy':
    case 'aws-classic-elb':
      return {
        delivery: 'proxy',
        source: 'lb',
        algorithm: 'round-robin',
        proxyProtocol: wantsPP ? 1 : 0,
        failOpen: false,
      };
    case 'aws-nlb-instance': {
      // NLB keeps the client's address for instance targets unless the target group says not to.
      const attrs = a[LB_ANNOTATIONS.awsTargetGroupAttributes] ?? '';
      const off = /(^|,)\s*preserve_client_ip\.enabled=false\s*(,|$)/.test(attrs);
      if (off) decidedBy.push(`annotation ${LB_ANNOTATIONS.awsTargetGroupAttributes}=preserve_client_ip.enabled=false`);
      return {
        delivery: 'forward',
        source: off ? 'lb' : 'client',
        algorithm: 'flow-hash',
        proxyProtocol: wantsPP ? 2 : 0,
        failOpen: true,
      };
    }
  }
}
