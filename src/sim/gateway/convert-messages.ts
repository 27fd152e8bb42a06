// What `convert` says about an Ingress it translated: the annotations and behaviours that do not
// carry over to Gateway API, each with what to use instead. English and Simplified Chinese, keyed
// like the tracer's messages; the CLI prints English, the UI picks the language.

export const convertMessagesEn = {
  'convert.notCarried': 'annotation {annotation} does not carry over: use {instead}',
  'convert.unlisted': 'annotation {annotation} does not carry over: find a Gateway API equivalent by hand '
    + '(ingress2gateway copies no annotation it does not know)',
  'convert.instead.rewriteRegex': 'a URLRewrite filter (ReplacePrefixMatch strips or swaps a path prefix; '
    + 'capture groups like $1 have no Gateway API form)',
  'convert.instead.useRegex': 'a RegularExpression path match (Implementation-specific support: its syntax '
    + 'is the implementation\'s; NGINX Gateway Fabric writes it as an nginx regex location), or PathPrefix/Exact',
  'convert.instead.affinity': 'HTTPRoute sessionPersistence (experimental channel) or an implementation policy '
    + '(cookie session affinity has no standard field)',
  'convert.instead.canaryCookie': 'an HTTPRoute rule with a header match on Cookie (type RegularExpression, '
    + 'Extended support) to the canary Service',
  'convert.instead.canaryHeaderPattern': 'an HTTPRoute rule with a RegularExpression header match '
    + '(Extended support) to the canary Service',
  'convert.instead.sslRedirect': 'an HTTPRoute on the HTTP listener (parentRefs sectionName) with a '
    + 'RequestRedirect filter (scheme: https, statusCode: 308); the converted route serves plain HTTP',
  'convert.instead.forceSslRedirect': 'an HTTPRoute on the HTTP listener with a RequestRedirect filter '
    + '(scheme: https, statusCode: 308)',
  'convert.instead.whitelist': 'a NetworkPolicy on the Gateway\'s data plane pods or an implementation policy '
    + '(Gateway API has no client address allow-list)',
  'convert.instead.appRoot': 'an HTTPRoute rule matching Exact / with a RequestRedirect filter '
    + '(path ReplaceFullPath to the app root, statusCode: 302)',
  'convert.instead.serviceUpstream': 'nothing: Gateway implementations balance over the Service\'s endpoints '
    + 'themselves; there is no standard way to send through the cluster IP',
  'convert.instead.loadBalance': 'an implementation policy (NGINX Gateway Fabric\'s UpstreamSettingsPolicy); '
    + 'the converted upstreams use the implementation\'s default balancing',
  'convert.defaultBackendHosts': 'spec.defaultBackend became HTTPRoute {route} with no hostnames; it serves only '
    + 'the hosts the Gateway has listeners for, where ingress-nginx sent every other host to it as well',
  'convert.namedPort': 'backend {service} port {port} names a port no Service in the input defines; '
    + 'that path was left out (Gateway API backendRefs need a port number)',
  'convert.resourceBackend': 'backend {kind} {name} is a resource backend; Gateway API backendRefs name '
    + 'Services, so that path was left out',
  'convert.otherController': 'class {class} belongs to controller {controller}, not ingress-nginx: '
    + 'left unchanged',
} as const;

export type ConvertMessageKey = keyof typeof convertMessagesEn;

export const convertMessagesZh: Record<ConvertMessageKey, string> = {
  'convert.notCarried': '注解 {annotation} 不会被转换：请改用{instead}',
  'convert.unlisted': '注解 {annotation} 不会被转换：请手动寻找 Gateway API 中的对应做法（ingress2gateway 不会复制它不认识的注解）',
  'convert.instead.rewriteRegex': 'URLRewrite 过滤器（ReplacePrefixMatch 可以去掉或替换路径前缀；$1 这样的捕获组在 Gateway API 中没有对应写法）',
  'convert.instead.useRegex': 'RegularExpression 路径匹配（由实现决定支持与语法；NGINX Gateway Fabric 把它写成 nginx 正则 location），'
    + '或 PathPrefix/Exact 匹配',
  'convert.instead.affinity': 'HTTPRoute 的 sessionPersistence（实验通道）或实现自己的策略（基于 Cookie 的会话亲和没有标准字段）',
  'convert.instead.canaryCookie': '一条按 Cookie 请求头匹配（RegularExpression 类型，扩展支持）并转发到金丝雀 Service 的 HTTPRoute 规则',
  'convert.instead.canaryHeaderPattern': '一条使用 RegularExpression 请求头匹配（扩展支持）并转发到金丝雀 Service 的 HTTPRoute 规则',
  'convert.instead.sslRedirect': '挂在 HTTP 监听器上（parentRefs 的 sectionName）并带 RequestRedirect 过滤器（scheme: https，'
    + 'statusCode: 308）的 HTTPRoute；转换出的路由仍以明文 HTTP 提供服务',
  'convert.instead.forceSslRedirect': '挂在 HTTP 监听器上并带 RequestRedirect 过滤器（scheme: https，statusCode: 308）的 HTTPRoute',
  'convert.instead.whitelist': '作用于 Gateway 数据面 Pod 的 NetworkPolicy，或实现自己的策略（Gateway API 没有客户端地址白名单）',
  'convert.instead.appRoot': '一条匹配 Exact / 并带 RequestRedirect 过滤器（path 用 ReplaceFullPath 指向应用根路径，'
    + 'statusCode: 302）的 HTTPRoute 规则',
  'convert.instead.serviceUpstream': '无需替代：Gateway 实现自己在 Service 的端点之间负载均衡；没有标准方式改为经由集群 IP 转发',
  'convert.instead.loadBalance': '实现自己的策略（NGINX Gateway Fabric 的 UpstreamSettingsPolicy）；转换出的上游使用实现的默认均衡方式',
  'convert.defaultBackendHosts': 'spec.defaultBackend 变成了没有 hostnames 的 HTTPRoute {route}；它只服务 Gateway 有监听器的主机，'
    + '而 ingress-nginx 会把其他所有主机也交给它',
  'convert.namedPort': '后端 {service} 的端口 {port} 是一个输入中没有任何 Service 定义的端口名；该路径被略去（Gateway API 的 backendRef 需要端口号）',
  'convert.resourceBackend': '后端 {kind} {name} 是资源后端；Gateway API 的 backendRef 指向 Service，因此该路径被略去',
  'convert.otherController': '类 {class} 属于控制器 {controller}，而不是 ingress-nginx：保持不变',
};

export function renderConvertMessage(
  lang: 'en' | 'zh',
  key: ConvertMessageKey,
  params: Readonly<Record<string, string | number>>,
): string {
  const table = lang === 'zh' ? convertMessagesZh : convertMessagesEn;
  return table[key].replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = params[name];
    if (v === undefined) return m;
    // A parameter that is itself a message key (the "instead" advice) is rendered in the same language.
    return typeof v === 'string' && v in table ? table[v as ConvertMessageKey] : String(v);
  });
}
