// Kubernetes events keep the exact English kubectl prints (a learner will meet the same text on a
// real cluster and search for it); in Chinese each one gets a gloss beside it: what the event means,
// by its reason (the event's own machine-readable field, never its message text).

/** zh glosses by event reason, for the components the lab runs. */
export const eventGlossesZh: Record<string, string> = {
  // kube-controller-manager
  ScalingReplicaSet: 'Deployment 控制器调整了 ReplicaSet 的副本数。',
  SuccessfulCreate: 'ReplicaSet、DaemonSet 或 StatefulSet 控制器创建了一个 Pod。',
  SuccessfulDelete: '控制器删除了一个 Pod（多余的，或 StatefulSet 滚动更新中要换掉的）。',
  FailedCreate: '控制器没能创建 Pod：apiserver 拒绝了它。',
  CIDRAssignmentSucceeded: '节点 IPAM 控制器给节点分配了 Pod 网段（podCIDR）。',
  // scheduler, kubelet
  Scheduled: '调度器把 Pod 分配到了一个节点上。',
  FailedScheduling: '调度器找不到能放下这个 Pod 的节点。',
  Killing: 'kubelet 正在停止这个 Pod 的容器。',
  // service controller (cloud load balancers)
  EnsuringLoadBalancer: 'Service 控制器开始为 LoadBalancer Service 创建外部负载均衡器。',
  EnsuredLoadBalancer: '外部负载均衡器已就绪，地址写入了 Service 的状态（status.loadBalancer）。',
  SyncLoadBalancerFailed: '创建外部负载均衡器失败：集群里没有可用的负载均衡器提供方，Service 的外部地址一直显示为 "<pending>"。',
  // kube-proxy
  SyncProxyRules: 'kube-proxy 根据 Service 和端点重新生成并写入了节点上的规则。',
  ProxierStarted: 'kube-proxy 以这种代理模式启动了。',
  FailedToStart: 'kube-proxy 无法以所配置的模式启动。',
  IPVSSchedulerInvalid: '节点内核不支持所配置的 IPVS 调度算法。',
  IPVSUnavailable: '节点上不能使用 IPVS，kube-proxy 改用 iptables 模式。',
  IPVSDeprecation: 'kube-proxy 的 IPVS 模式自 1.35 起已弃用，将来的版本可能移除：请改用 nftables 模式。',
  SnapshotDiffers: '快照里的 EndpointSlice 与本实验的控制器会发布的内容不同：实验保留快照中的版本，并在此列出差异。',
  // ingress controllers
  Sync: 'Ingress 控制器收到这个 Ingress 的变化，排队等待同步。',
  RELOAD: 'ingress-nginx 重新生成了 nginx.conf 并让 nginx 重新加载配置。',
  DynamicReconfiguration: 'ingress-nginx 只把新的端点交给 Lua 负载均衡器，nginx 没有重新加载。',
  Reload: 'NGINX Gateway Fabric 为这个 Gateway 生成了新的 nginx.conf，数据面的 nginx 重新加载了配置。',
  ConfigurationReloaded: 'Traefik 在内存中换上了新的路由表，进程没有重新加载。',
};

/** The gloss of an event in the reader's language: none in English, where the message is its own text. */
export function eventGloss(lang: 'en' | 'zh', reason: string): string | null {
  return lang === 'zh' ? (eventGlossesZh[reason] ?? null) : null;
}
