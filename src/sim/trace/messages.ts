// Hop explanations in English and Simplified Chinese. The tracer emits a key and parameters; the
// lab and the CLI render them in the user's language. Keys are stable: lessons refer to them.

import { renderNotes, type Note } from '../notes';

export const traceMessagesEn = {
  'hop.resolve.hosts': '{client} finds {name} in its /etc/hosts: {address}.',
  'hop.resolve.upstream': "{client}'s resolver asks public DNS for {name}: {address}.",
  'hop.resolve.cluster':
    '{client} asks cluster DNS ({server}) for {name}; after trying {tries} name(s) it gets {address}.',
  'hop.resolve.nxdomain': 'No DNS server knows {name} (tried {tries}). The request never leaves {client}.',
  'hop.resolve.literal': '{host} is an address already: no DNS lookup.',
  'hop.resolve.cnameOutside':
    'Cluster DNS answers that {name} is a CNAME (an ExternalName Service) for {target}. That name lives outside this ' +
    'lab, so the walk stops here; a real pod would now resolve {target} on the Internet and connect to it directly, ' +
    'bypassing kube-proxy.',
  'hop.resolve.timeout': '{client} asks {server} for {name}, but no DNS server answers: the lookup times out.',
  'hop.send.client': '{client} opens a TCP connection from {src} to {dst}.',
  'hop.send.pod':
    'Pod {pod} sends the packet out of its network namespace to node {node}, where kube-proxy\'s rules see it.',
  'hop.send.node': 'A process on node {node} (host network) sends the packet; it meets the node\'s OUTPUT rules.',
  'hop.lb.pick': 'The external load balancer for {service} ({address}) forwards the connection to node {node}.',
  'hop.lb.pickLocal':
    'The load balancer only sends to nodes whose health check on port {hcPort} passes (externalTrafficPolicy: ' +
    'Local): node {node} has a local endpoint.',
  'hop.lb.noHealthy':
    'No node passes the load balancer\'s health check for {service}: no node has a ready local endpoint ' +
    '(externalTrafficPolicy: Local).',
  'hop.arrive.node': 'The packet reaches node {node} on {dst}.',
  'hop.lb.noListener':
    'The load balancer {address} of {service} has no listener on port {port} (it listens on {ports}): the packet ' +
    'goes nowhere and the client times out.',
  'hop.lb.noTargets':
    'The load balancer {address} of {service} has a listener on port {port} but no NodePort to send it to: the ' +
    'Service was created without node ports.',
  'hop.lb.noHealthyCheck':
    'No node passes the load balancer\'s health check {check} for {service}: kube-proxy rejects the NodePort on ' +
    'every node because the Service has no ready endpoints. The load balancer has nowhere to send the connection.',
  'hop.lb.nodeport.rr.lb':
    'The load balancer {address} takes the next node in its round robin over the {healthy} of {total} nodes that ' +
    'pass its health check {check}: node {node}. It ends the client\'s connection and opens its own to the NodePort ' +
    '{target}, so the node sees the source {src}, the load balancer.',
  'hop.lb.nodeport.rr.client':
    'The load balancer {address} takes the next node in its round robin over the {healthy} of {total} nodes that ' +
    'pass its health check {check}: node {node}. It forwards the packet to the NodePort {target} and keeps the ' +
    'client\'s address {src} as the source.',
  'hop.lb.nodeport.hash.lb':
    'The load balancer {address} hashes the connection onto one of the {healthy} of {total} nodes that pass its ' +
    'health check {check}: node {node}. It sends to the NodePort {target} from its own address {src}.',
  'hop.lb.nodeport.hash.client':
    'The load balancer {address} hashes the connection onto one of the {healthy} of {total} nodes that pass its ' +
    'health check {check}: node {node}. It forwards the packet to the NodePort {target} and keeps the client\'s ' +
    'address {src} as the source.',
  'hop.lb.proxyProtocol':
    'Proxy protocol v{version} is on: before the request, the load balancer writes the header "{header}", which ' +
    'carries the client {client} to whoever terminates the connection.',
  'hop.ingress.proxyProtocol':
    'The {controller} controller listens with proxy_protocol: it reads the header and takes {client} as the client ' +
    'address ($remote_addr, X-Forwarded-For), not the packet\'s source {src}.',
  'hop.ingress.proxyProtocolUnexpected':
    'The connection starts with a proxy protocol header, but {pod} does not expect one: it reads "PROXY ..." as a ' +
    'broken request line and answers 400 Bad Request.',
  'hop.http.badMethod':
    'Pod {pod} reads the request line: the method "{method}" is not an HTTP token (RFC 9110: letters, digits and ' +
    '!#$%&\'*+-.^_`|~), so it answers 400 Bad Request and the request goes no further.',
  'hop.http.badMethodNginx':
    'nginx in pod {pod} reads the request line: its parser takes only the capital letters A-Z, "_" and "-" in a ' +
    'method, so "{method}" is an invalid method; it answers 400 Bad Request and the request goes no further.',
  'hop.proxy.dnat': 'kube-proxy ({mode}) on {node} matched {service} and rewrote the destination to {endpoint}.',
  'hop.proxy.dnatMasq':
    'kube-proxy ({mode}) on {node} matched {service}, rewrote the destination to {endpoint}, and marked the packet ' +
    'for masquerade.',
  'hop.proxy.snat':
    'On the way out of {node}, the masquerade rule rewrites the source {from} to the node address {to}: the backend ' +
    'will see {to}.',
  'hop.proxy.reject':
    'kube-proxy ({mode}) on {node} rejects the connection: {reason}. The client sees "connection refused".',
  'hop.proxy.drop': 'kube-proxy ({mode}) on {node} drops the packet: {reason}. The client waits and times out.',
  'hop.proxy.userspace':
    'The portal rule redirects the connection to kube-proxy\'s own socket on port {proxyPort}; kube-proxy opens a ' +
    'new connection to {endpoint}.',
  'hop.proxy.userspaceRetry':
    'The portal rule redirects the connection to kube-proxy\'s own socket on port {proxyPort}. Dialing {retries} ' +
    'failed, so kube-proxy moved on and connected to {endpoint}: the client never noticed.',
  'hop.proxy.userspaceFail':
    'kube-proxy\'s user-space proxy could not reach any endpoint of {service} after {attempts} attempt(s).',
  'hop.proxy.pass': 'No kube-proxy rule on {node} matches {dst}:{port}; the packet is routed normally.',
  'hop.proxy.notRunning':
    'kube-proxy is not running on node {node}: it exited at start-up ({error}). No rule for {dst}:{port} exists ' +
    'there, so the Service cannot be reached through this node.',
  'hop.route.podNetwork': 'The pod network carries the packet from node {from} to node {to}, which owns {dst}.',
  'hop.route.noRoute': 'Nothing on this network owns {dst}. {why}',
  'hop.route.clusterIPNoRule':
    '{dst}:{port} is a Service address, but no rule on {node} matches that port, and no machine owns the address: ' +
    'the packet goes nowhere.',
  'hop.deliver.pod': 'The packet is delivered to pod {pod} on {dst}; it sees the client as {source}.',
  'hop.deliver.hostPort':
    'Not kube-proxy: the CNI portmap plugin on {node} DNATs hostPort {port} to pod {pod} ({dst}) in its chain ' +
    '{chain} (reached from CNI-HOSTPORT-DNAT for the node\'s own addresses).',
  'hop.portmap.masq':
    'The packet came from this node\'s pod subnet or from localhost, so CNI-HOSTPORT-SETMARK marked it and ' +
    'CNI-HOSTPORT-MASQ rewrites the source {from} to {to} on the way out of {node}: the pod\'s reply must come back ' +
    'through the node.',
  'hop.deliver.hostNetwork': 'Pod {pod} uses the host network of {node} and listens on port {port}.',
  'hop.deliver.notListening':
    'Pod {pod} has nothing listening on port {port} (it listens on {listening}); its kernel answers with a TCP reset.',
  'hop.deliver.nodeNotListening': 'Nothing on node {node} listens on port {port}; the node answers with a TCP reset.',
  'hop.ingress.match': 'The {controller} controller matches Host {host} and path {path}: {reason}.',
  'hop.ingress.respond': 'The {controller} controller answers {status} itself: {reason}.',
  'hop.ingress.defaultServer':
    'No Ingress rule matches host {host} and path {path}, and no --default-backend-service is set: ' +
    "the {controller} controller's own default server answers {status} itself.",
  'hop.ingress.proxy':
    'The {controller} controller opens a new connection from its pod ({src}) to {dst} (upstream {upstream}).',
  'hop.backend.respond':
    'Pod {pod} answers {status}. The reply retraces the connection; conntrack undoes each address rewrite, so ' +
    '{client} sees it come from {from}.',
  'hop.respond.controller': 'The reply from {controller} returns to {client} with status {status}.',
  'hop.gateway.matchExact':
    'Gateway {gateway} (NGINX Gateway Fabric) matches rule {rule} of HTTPRoute {route}: its Exact path {path} beats ' +
    'every prefix, so it wins.',
  'hop.gateway.matchPrefix':
    'Gateway {gateway} (NGINX Gateway Fabric) matches rule {rule} of HTTPRoute {route}: PathPrefix {path} is the ' +
    'longest prefix that matches the path element by element.',
  'hop.gateway.matchConditions':
    'Gateway {gateway} (NGINX Gateway Fabric) runs the match list of path {path}: rule {rule} of HTTPRoute {route} ' +
    'is the first whose method, headers ({headers}) and query ({query}) match; {skipped} rule(s) ranked before it ' +
    'did not match (method first, then more header matches, then more query matches, then the older route).',
  'hop.gateway.noMatch':
    'Gateway {gateway} (NGINX Gateway Fabric) finds a path but none of its {skipped} rule(s) has matching method, ' +
    'headers and query: 404.',
  'hop.gateway.noRoute':
    'Gateway {gateway} (NGINX Gateway Fabric) has no route for this host and path: its default server answers ' +
    '{status}.',
  'hop.gateway.respond': 'Gateway {gateway} (NGINX Gateway Fabric) answers {status} itself.',
  'hop.gateway.error':
    'Gateway {gateway} matches rule {rule} of HTTPRoute {route}, but answers {status} itself: the rule has no usable ' +
    'backend for this request (upstream {upstream}).',
  'hop.gateway.filterError':
    'Gateway {gateway} matches rule {rule} of HTTPRoute {route}, but answers {status} itself: NGINX Gateway ' +
    'Fabric cannot apply one of the rule\'s filters (the comment above its return line names it), and a filter it ' +
    'cannot apply is never skipped.',
  'hop.gateway.redirect':
    'Gateway {gateway} (NGINX Gateway Fabric) answers {status} with Location {location} (RequestRedirect filter).',
  'hop.gateway.corsPreflight':
    'Gateway {gateway} (NGINX Gateway Fabric) answers this CORS preflight (OPTIONS) for rule {rule} of HTTPRoute ' +
    '{route} itself with {status} and the CORS filter\'s Access-Control-* headers; the backend never sees it.',
  'hop.gateway.mirror':
    "Gateway {gateway} (NGINX Gateway Fabric) copies the request for the rule's RequestMirror filter before " +
    "proxying it, and throws the replies to the copies away (the client's answer comes from the rule's own " +
    'backend): {copies}.',
  'hop.gateway.proxy':
    'The data plane of Gateway {gateway} opens a new connection from its pod ({src}) straight to endpoint {dst} ' +
    '(upstream {upstream}): no ClusterIP, no kube-proxy DNAT.',
  // The reply, walked back (reply.ts): each node's conntrack undoes only its own rewrites.
  'hop.reply.respond':
    '{server} answers {status}: the reply leaves from {from} to {to}, the address it saw the request come from.',
  'hop.reply.synAck':
    "{server}'s kernel answers the SYN with a SYN-ACK from {from} to {to}, the address it saw the connection " +
    "come from (the application gets no request until the handshake completes).",
  'hop.reply.relay': '{server} sends the answer back on the connection it accepted, from {from} to {to}.',
  'hop.reply.route':
    'No conntrack entry on {node} matches the reply, so nothing rewrites it: {node} routes it by its destination ' +
    '{dst} to {to}.',
  'hop.reply.unDnat':
    "The reply matches {node}'s conntrack entry for the connection: {node} made the DNAT, so it rewrites the " +
    "source {from} back to {newFrom}, the destination the request had when it arrived, and sends it on to {next}.",
  'hop.reply.unSnat':
    "The reply to {to} matches {node}'s conntrack entry: {node} masqueraded the request, so it rewrites the " +
    "destination back to {newTo} and sends it on to {next}.",
  'hop.reply.unnatBoth':
    "The reply matches {node}'s conntrack entry: {node} made both rewrites, so it turns {from} -> {to} back into " +
    "{newFrom} -> {newTo} and sends it on to {next}.",
  'hop.reply.lb':
    'The load balancer is on the way back to {client}: its flow table rewrites the source {from} to its own ' +
    '{newFrom}.',
  'hop.reply.deliver':
    '{client} receives the reply from {from}, the address and port it connected to: the connection is open.',
  'hop.reply.stray':
    '{client} receives a SYN-ACK from {from}, but it connected to {expected}: no socket has that connection, so ' +
    'its kernel answers with a reset (RST) and keeps waiting for {expected} until the request times out.',
  'hop.reply.lost':
    'The reply for {client} goes to {dst} (across {path}), where nothing has this connection: it is dropped and ' +
    'the client times out.',
  'hop.reply.invalid':
    '{node} never saw the first packet of this connection, so its conntrack has no entry for the reply from {from} ' +
    'to {to} and classifies it INVALID; {node} forwards it through its filter rules, and {rule} drops it: ' +
    '{client} never receives it and times out.',
} as const;

export type TraceMessageKey = keyof typeof traceMessagesEn;

export const traceMessagesZh: Record<TraceMessageKey, string> = {
  'hop.resolve.hosts': '{client} 在自己的 /etc/hosts 里找到 {name}：{address}。',
  'hop.resolve.upstream': '{client} 的解析器向公网 DNS 查询 {name}：{address}。',
  'hop.resolve.cluster': '{client} 向集群 DNS（{server}）查询 {name}；依次尝试 {tries} 个名字后得到 {address}。',
  'hop.resolve.nxdomain': '没有任何 DNS 服务器知道 {name}（尝试了 {tries}）。请求没有离开 {client}。',
  'hop.resolve.literal': '{host} 本身就是地址，无需 DNS 查询。',
  'hop.resolve.cnameOutside':
    '集群 DNS 回答：{name} 是指向 {target} 的 CNAME（ExternalName Service）。这个名字在实验环境之外，所以追踪到此为止；' +
    '真实的 Pod 会继续在互联网上解析 {target} 并直接连接，不经过 kube-proxy。',
  'hop.resolve.timeout': '{client} 向 {server} 查询 {name}，但没有 DNS 服务器应答：查询超时。',
  'hop.send.client': '{client} 从 {src} 向 {dst} 发起 TCP 连接。',
  'hop.send.pod': 'Pod {pod} 把数据包从自己的网络命名空间发到节点 {node}，在那里由 kube-proxy 的规则处理。',
  'hop.send.node': '节点 {node} 上的进程（主机网络）发出数据包，经过该节点的 OUTPUT 规则。',
  'hop.lb.pick': '{service} 的外部负载均衡器（{address}）把连接转发到节点 {node}。',
  'hop.lb.pickLocal': '负载均衡器只把流量发给在端口 {hcPort} 上健康检查通过的节点（externalTrafficPolicy: Local）：节点 {node} 上有本地端点。',
  'hop.lb.noHealthy': '没有节点通过 {service} 负载均衡器的健康检查：没有节点上有就绪的本地端点（externalTrafficPolicy: Local）。',
  'hop.arrive.node': '数据包到达节点 {node} 的 {dst}。',
  'hop.lb.noListener': '{service} 的负载均衡器 {address} 在端口 {port} 上没有监听器（它监听的是 {ports}）：数据包无处可去，客户端等待直到超时。',
  'hop.lb.noTargets': '{service} 的负载均衡器 {address} 在端口 {port} 上有监听器，却没有可转发的 NodePort：这个 Service 创建时没有分配节点端口。',
  'hop.lb.noHealthyCheck':
    '没有节点通过 {service} 负载均衡器的健康检查 {check}：Service 没有就绪端点，每个节点上的 kube-proxy 都拒绝这个 NodePort。负载均衡器无处转发连接。',
  'hop.lb.nodeport.rr.lb':
    '负载均衡器 {address} 在通过健康检查 {check} 的节点（共 {total} 个中的 {healthy} 个）之间轮询，轮到节点 {node}。它终结客户端的连接，' +
    '自己向 NodePort {target} 新建连接，所以节点看到的源地址是负载均衡器的 {src}。',
  'hop.lb.nodeport.rr.client':
    '负载均衡器 {address} 在通过健康检查 {check} 的节点（共 {total} 个中的 {healthy} 个）之间轮询，轮到节点 {node}。它把数据包转发到 NodePort {target}，' +
    '源地址保留为客户端的 {src}。',
  'hop.lb.nodeport.hash.lb':
    '负载均衡器 {address} 按连接的五元组哈希，在通过健康检查 {check} 的节点（共 {total} 个中的 {healthy} 个）中选中节点 {node}。' +
    '它从自己的地址 {src} 发往 NodePort {target}。',
  'hop.lb.nodeport.hash.client':
    '负载均衡器 {address} 按连接的五元组哈希，在通过健康检查 {check} 的节点（共 {total} 个中的 {healthy} 个）中选中节点 {node}。它把数据包转发到 NodePort {target}，' +
    '源地址保留为客户端的 {src}。',
  'hop.lb.proxyProtocol': '已启用 PROXY 协议 v{version}：负载均衡器在请求之前写入头部 "{header}"，把客户端 {client} 告诉终结连接的一方。',
  'hop.ingress.proxyProtocol':
    '{controller} 控制器以 proxy_protocol 方式监听：它读取这个头部，把 {client} 当作客户端地址（$remote_addr、X-Forwarded-For），而不是数据包的源地址 {src}。',
  'hop.ingress.proxyProtocolUnexpected': '连接以 PROXY 协议头部开头，但 {pod} 并不期待它：它把 "PROXY ..." 当成损坏的请求行，返回 400（错误请求）。',
  'hop.http.badMethod':
    'Pod {pod} 读取请求行：方法 "{method}" 不是合法的 HTTP 记号（RFC 9110：字母、数字和 !#$%&\'*+-.^_`|~），'
    + '因此返回 400（错误请求），请求不再往后传。',
  'hop.http.badMethodNginx':
    'Pod {pod} 中的 nginx 读取请求行：它的解析器只接受由大写字母 A-Z、"_" 和 "-" 组成的方法，"{method}" 是无效方法，' +
    '因此返回 400（错误请求），请求不再往后传。',
  'hop.proxy.dnat': '{node} 上的 kube-proxy（{mode}）匹配到 {service}，把目的地址改写为 {endpoint}。',
  'hop.proxy.dnatMasq':
    '{node} 上的 kube-proxy（{mode}）匹配到 {service}，把目的地址改写为 {endpoint}，并给数据包打上 KUBE-MARK-MASQ 标记（稍后做源地址伪装）。',
  'hop.proxy.snat': '离开 {node} 时，MASQUERADE 规则把源地址 {from} 改写为节点地址 {to}：后端看到的是 {to}。',
  'hop.proxy.reject': '{node} 上的 kube-proxy（{mode}）拒绝了连接：{reason}。客户端看到 "connection refused"。',
  'hop.proxy.drop': '{node} 上的 kube-proxy（{mode}）丢弃了数据包：{reason}。客户端一直等待直到超时。',
  'hop.proxy.userspace':
    'KUBE-PORTALS-* 链中的规则把连接重定向到 kube-proxy 自己在端口 {proxyPort} 上监听的套接字；kube-proxy 再向 {endpoint} 建立新连接。',
  'hop.proxy.userspaceRetry':
    'KUBE-PORTALS-* 链中的规则把连接重定向到 kube-proxy 自己在端口 {proxyPort} 上监听的套接字。连接 {retries} 失败后，kube-proxy 换下一个端点，' +
    '连上了 {endpoint}：客户端毫无察觉。',
  'hop.proxy.userspaceFail': 'kube-proxy 的用户态代理尝试 {attempts} 次后仍无法连接 {service} 的任何端点。',
  'hop.proxy.pass': '{node} 上没有 kube-proxy 规则匹配 {dst}:{port}，数据包按普通路由转发。',
  'hop.proxy.notRunning':
    '节点 {node} 上的 kube-proxy 没有运行：它在启动时就退出了（{error}）。该节点上没有 {dst}:{port} 的规则，所以无法经由这个节点访问该 Service。',
  'hop.route.podNetwork': 'Pod 网络把数据包从节点 {from} 送到拥有 {dst} 的节点 {to}。',
  'hop.route.noRoute': '这个网络里没有谁拥有 {dst}。{why}',
  'hop.route.clusterIPNoRule': '{dst}:{port} 是 Service 地址，但 {node} 上没有规则匹配这个端口，也没有任何机器拥有这个地址：数据包无处可去。',
  'hop.deliver.pod': '数据包送达 Pod {pod} 的 {dst}；它看到的客户端地址是 {source}。',
  'hop.deliver.hostPort':
    '这不是 kube-proxy：{node} 上的 CNI portmap 插件在链 {chain} 中把 hostPort {port} DNAT 到 Pod {pod}（{dst}）' +
    '（发往节点自身地址的包经 CNI-HOSTPORT-DNAT 进入该链）。',
  'hop.portmap.masq':
    '数据包来自本节点的 Pod 网段或 localhost，因此 CNI-HOSTPORT-SETMARK 给它打了标记，离开 {node} 时 CNI-HOSTPORT-MASQ 把源地址 {from} 改写为 {to}：' +
    'Pod 的回包必须经过节点返回。',
  'hop.deliver.hostNetwork': 'Pod {pod} 使用节点 {node} 的主机网络，监听端口 {port}。',
  'hop.deliver.notListening': 'Pod {pod} 在端口 {port} 上没有进程监听（它监听的是 {listening}）；内核回复 TCP RST（连接被重置）。',
  'hop.deliver.nodeNotListening': '节点 {node} 上没有进程监听端口 {port}；节点回复 TCP RST（连接被重置）。',
  'hop.ingress.match': '{controller} 控制器匹配 Host {host} 和路径 {path}：{reason}。',
  'hop.ingress.respond': '{controller} 控制器自己返回 {status}：{reason}。',
  'hop.ingress.defaultServer':
    '没有 Ingress 规则匹配主机 {host} 和路径 {path}，也没有设置 --default-backend-service：{controller} 控制器自带的默认 server 自己返回 {status}。',
  'hop.ingress.proxy': '{controller} 控制器从自己的 Pod（{src}）向 {dst} 建立新连接（upstream {upstream}）。',
  'hop.backend.respond': 'Pod {pod} 返回 {status}。应答沿连接原路返回；conntrack 逐一撤销地址改写，所以 {client} 看到应答来自 {from}。',
  'hop.respond.controller': '{controller} 的应答以状态 {status} 返回给 {client}。',
  'hop.gateway.matchExact':
    'Gateway {gateway}（NGINX Gateway Fabric）匹配 HTTPRoute {route} 的第 {rule} 条规则：Exact 路径 {path} 优先于所有前缀，因此胜出。',
  'hop.gateway.matchPrefix':
    'Gateway {gateway}（NGINX Gateway Fabric）匹配 HTTPRoute {route} 的第 {rule} 条规则：PathPrefix {path} 是按路径段匹配的最长前缀。',
  'hop.gateway.matchConditions':
    'Gateway {gateway}（NGINX Gateway Fabric）执行路径 {path} 的匹配列表：HTTPRoute {route} 的第 {rule} 条规则是第一条方法、请求头（{headers} 个）' +
    '和查询参数（{query} 个）都匹配的规则；排在它前面的 {skipped} 条规则不匹配（先看方法，再看请求头匹配数多者，再看查询参数匹配数多者，最后是更早创建的路由）。',
  'hop.gateway.noMatch': 'Gateway {gateway}（NGINX Gateway Fabric）找到了路径，但它的 {skipped} 条规则的方法、请求头和查询参数都不匹配：返回 404。',
  'hop.gateway.noRoute': 'Gateway {gateway}（NGINX Gateway Fabric）没有匹配该主机和路径的路由：由默认 server 返回 {status}。',
  'hop.gateway.respond': 'Gateway {gateway}（NGINX Gateway Fabric）自己返回 {status}。',
  'hop.gateway.error':
    'Gateway {gateway} 匹配 HTTPRoute {route} 的第 {rule} 条规则，但自己返回 {status}：该规则对这个请求没有可用的后端（upstream {upstream}）。',
  'hop.gateway.filterError':
    'Gateway {gateway} 匹配 HTTPRoute {route} 的第 {rule} 条规则，但自己返回 {status}：NGINX Gateway Fabric ' +
    '无法执行该规则的某个过滤器（配置中返回 500 那一行上方的注释写明是哪一个），而无法执行的过滤器从不会被跳过。',
  'hop.gateway.redirect':
    'Gateway {gateway}（NGINX Gateway Fabric）返回 {status}，Location 为 {location}（RequestRedirect 过滤器）。',
  'hop.gateway.corsPreflight':
    'Gateway {gateway}（NGINX Gateway Fabric）自己用 {status} 应答 HTTPRoute {route} 第 {rule} 条规则的这个 CORS 预检请求（OPTIONS），' +
    '并带上 CORS 过滤器的 Access-Control-* 响应头；后端收不到它。',
  'hop.gateway.mirror':
    'Gateway {gateway}（NGINX Gateway Fabric）在转发请求之前，按规则的 RequestMirror 过滤器复制这个请求，并丢弃副本得到的应答' +
    '（客户端收到的应答只来自规则自己的后端）：{copies}。',
  'hop.gateway.proxy':
    'Gateway {gateway} 的数据面从自己的 Pod（{src}）直接向端点 {dst} 建立新连接（upstream {upstream}）：不经过 ClusterIP，也没有 kube-proxy 的 DNAT。',
  'hop.reply.respond': '{server} 返回 {status}：应答从 {from} 发往 {to}，也就是它看到的请求来源。',
  'hop.reply.synAck': '{server} 的内核用 SYN-ACK 应答这个 SYN：从 {from} 发往 {to}，也就是它看到的连接来源（握手完成之前，应用程序收不到请求）。',
  'hop.reply.relay': '{server} 在它接受的那条连接上把应答发回：从 {from} 到 {to}。',
  'hop.reply.route': '{node} 上没有 conntrack 条目匹配这个应答，所以没有任何改写：{node} 按目的地址 {dst} 把它路由到 {to}。',
  'hop.reply.unDnat':
    '应答匹配 {node} 上这条连接的 conntrack 条目：DNAT 是 {node} 做的，所以它把源地址 {from} 改回请求到达时的目的地址 {newFrom}，再发往 {next}。',
  'hop.reply.unSnat':
    '发往 {to} 的应答匹配 {node} 上的 conntrack 条目：请求在 {node} 上做过 SNAT（MASQUERADE），所以它把目的地址改回 {newTo}，再发往 {next}。',
  'hop.reply.unnatBoth':
    '应答匹配 {node} 上的 conntrack 条目：两次改写都是 {node} 做的，所以它把 {from} -> {to} 改回 {newFrom} -> {newTo}，再发往 {next}。',
  'hop.reply.lb': '负载均衡器位于返回 {client} 的路径上：它的连接表把源地址 {from} 改写为它自己的 {newFrom}。',
  'hop.reply.deliver': '{client} 收到来自 {from} 的应答，正是它连接的地址和端口：连接建立成功。',
  'hop.reply.stray':
    '{client} 收到来自 {from} 的 SYN-ACK，但它连接的是 {expected}：没有套接字拥有这条连接，所以它的内核回复 RST（连接重置），并继续等待 {expected}，直到请求超时。',
  'hop.reply.lost': '发给 {client} 的应答被送到 {dst}（经由 {path}），那里没有这条连接：应答被丢弃，客户端超时。',
  'hop.reply.invalid':
    '{node} 从未见过这条连接的第一个包，所以它的 conntrack 里没有与从 {from} 发往 {to} 的应答对应的条目，把它判定为 INVALID；' +
    '{node} 转发它时经过过滤规则，{rule} 把它丢弃：{client} 收不到它，最终超时。',
};

/**
 * A hop's explanation in the reader's language: parameters named in `parts` are rendered from their
 * notes in that language too (the English text in `params` is only the English rendering).
 */
export function renderExplanation(
  lang: 'en' | 'zh',
  e: { key: string; params: Record<string, string | number>; parts?: Record<string, readonly Note[]> },
): string {
  const params = { ...e.params };
  for (const [name, notes] of Object.entries(e.parts ?? {})) {
    if (notes.length > 0) params[name] = renderNotes(lang, notes);
  }
  return renderTraceMessage(lang, e.key, params);
}

export function renderTraceMessage(
  lang: 'en' | 'zh',
  key: string,
  params: Record<string, string | number>,
): string {
  const table: Record<string, string> = lang === 'zh' ? traceMessagesZh : traceMessagesEn;
  const text = table[key] ?? (traceMessagesEn as Record<string, string>)[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k: string) => (k in params ? String(params[k]) : `{${k}}`));
}
