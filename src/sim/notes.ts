// Notes: the small typed steps evaluators report (nginx chose this server and this location, the
// balancer picked this peer; why a packet has no route) so that a hop's explanation can be rendered
// in the reader's language. An evaluator returns `{ key, params }`, never a sentence; English and
// Simplified Chinese texts live here, beside the hop explanations (messages.ts).

import { joinList } from './util/list';

export const noteMessagesEn = {
  // ingress-nginx: the server and location nginx chose (ngx_http_core_module), rewrite/access
  // phases, and the Lua balancer's pick (round_robin, ewma, sticky cookies, canary).
  'note.nginx.noHttp': 'nginx.conf has no http block',
  'note.nginx.noListener': 'nothing listens on port {port}',
  'note.nginx.server.exact': 'server {server} (exact server_name)',
  'note.nginx.server.wildcard': 'server {server} (wildcard server_name)',
  'note.nginx.server.regex': 'server {server} (regex server_name)',
  'note.nginx.server.default_server': 'server {server} (no server_name matched: default server)',
  'note.nginx.noLocation': 'no location matched: 404',
  'note.nginx.location.exact': 'location {location} (exact match for {uri})',
  'note.nginx.location.prefix': 'location {location} (prefix match for {uri})',
  'note.nginx.location.regex': 'location {location} (regex match for {uri})',
  'note.nginx.location.auto-redirect':
    'location {location} proxies and ends in "/": nginx redirects {uri} to {uri}/ (301), although the Ingress spec ' +
    'would match the path without the slash',
  'note.nginx.rewrite': 'rewrite {from} -> {to}',
  'note.nginx.denied': 'client {client} denied ({rule}): 403',
  'note.nginx.allowed': 'client {client} allowed by {rule}',
  'note.nginx.noHandler': 'location has no handler: 404',
  'note.nginx.canaryEmpty': 'canary upstream {upstream} has no endpoints: 503',
  'note.nginx.noUpstream': 'no upstream {upstream}: 502',
  'note.nginx.noPeers': 'upstream {upstream} has no peers: 503',
  'note.nginx.cookiePins': 'cookie {cookie} (persistent) pins {peer}',
  'note.nginx.cookieStale': 'cookie {cookie} names no current peer: pick again',
  'note.nginx.cookieHashes': 'cookie {cookie} (balanced) hashes to {peer}',
  'note.nginx.newSession': 'new session {session} hashes to {peer} of {count}',
  'note.nginx.balance': '{algorithm} picks {peer} of {count}',
  'note.nginx.internal': 'on to its own server at {peer}',
  'note.nginx.returnRedirect': 'return {status} {url}',
  'note.nginx.return': 'return {status}',
  'note.nginx.canaryHeaderValue': 'canary: header {header} = {value}',
  'note.nginx.canaryHeader': 'canary: header {header}: {value}',
  'note.nginx.canaryCookie': 'canary: cookie {cookie}={value}',
  'note.nginx.canaryWeightAll': 'canary: weight {weight}/{total}',
  'note.nginx.canaryDrawCanary': 'canary: weight {weight}/{total}, draw {draw} -> canary',
  'note.nginx.canaryDrawMain': 'canary: weight {weight}/{total}, draw {draw} -> main',
  // Traefik: entry point, router (by priority), the service's weighted round robin.
  'note.traefik.noEntryPoint': 'no entry point on port {port}',
  'note.traefik.router': 'router {router} (priority {priority}) matches: {rule}',
  'note.traefik.middlewares': 'middlewares {middlewares} are not modelled',
  'note.traefik.noServers': 'service {service} has no servers: 503',
  'note.traefik.wrr': 'wrr picks {server} of {count}',
  'note.traefik.noRouter': 'no router matches: Traefik answers 404 page not found',
  'note.traefik.body': 'body "{body}"',
  'note.ingress.outcome': '{outcome} {status}',
  // NGINX Gateway Fabric: what became of each copy a RequestMirror filter asks for (hop.gateway.mirror).
  'note.gateway.mirrorSent':
    'a copy to endpoint {endpoint} (upstream {upstream}, Service {service}, {percent} of requests)',
  'note.gateway.mirrorSkipped':
    "no copy to upstream {upstream}: split_clients puts this request's $request_id outside the {percent} it mirrors, " +
    'so the mirror location answers 204 itself',
  'note.gateway.mirrorError':
    'a copy to upstream {upstream} that nginx answers {status} itself: the mirror backendRef has no usable backend',
  // Why nothing routes a packet (hop.route.noRoute).
  'note.route.clusterIP':
    "{dst} is the ClusterIP of Service {service}: it exists only as kube-proxy rules on the cluster's nodes, so a " +
    "machine outside the cluster has no route to it. Use a NodePort, a LoadBalancer or an Ingress.",
  'note.route.pod': "{dst} is pod {pod}'s address; pod addresses are routed only inside the cluster's pod network.",
  'note.route.nobody': 'No node, load balancer or client in this lab has {dst}.',
  'note.route.loadBalancer': '{dst} is a load balancer address outside the cluster.',
  'note.route.internet': 'Traffic to the Internet is outside this lab.',
  // Why kube-proxy rejected or dropped a packet: the deciding rule's comment (iptables), or the mode's own reason.
  'note.proxy.ruleComment': '{comment}',
  'note.proxy.nftReject': 'rejected by kube-proxy (no endpoints or not a service port)',
  'note.proxy.nftDrop': 'dropped by kube-proxy (no local endpoints, unallocated ClusterIP or source range)',
  'note.proxy.ipvsFilter': 'KUBE-IPVS-FILTER: not a service port of this address',
  'note.proxy.ipvsSourceRange': 'dropped by loadBalancerSourceRanges',
  'note.proxy.ipvsNoReal': 'IPVS virtual server has no real servers',
  'note.proxy.ipvsNoDest': 'IPVS scheduler found no destination',
  // Faults: what a failed request is blamed on (the hop inspector's fault box).
  'note.fault.serviceNotFound': 'Service {service} not found',
  'note.fault.noControllerForClass': 'no ingress controller serves class {className}',
  'note.fault.noController': 'this scenario has no ingress controller',
  'note.fault.controllerUnreachable':
    'the {className} controller has no address reachable from outside (no LoadBalancer address, NodePort or hostPort)',
  'note.fault.noSelector': 'Service {service} has no selector and no ready endpoints in its Endpoints/EndpointSlices',
  'note.fault.noReady': 'Service {service} has no ready endpoints: selector {selector} matches {ready} ready pods',
  'note.fault.noReadyOne': 'Service {service} has no ready endpoints: selector {selector} matches {ready} ready pod',
  'note.fault.noReadySome':
    'Service {service} has no ready endpoints: selector {selector} matches {ready} ready pods ({notReady} not ready)',
  'note.fault.noReadyOneSome':
    'Service {service} has no ready endpoints: selector {selector} matches {ready} ready pod ({notReady} not ready)',
  'note.fault.noReadyTerminating':
    'Service {service} has no ready endpoints: its EndpointSlices for selector {selector} hold {terminating} ' +
    'terminating, none still serving, and {notReady} not ready',
  'note.fault.noPortEndpoints':
    'Service {service} has no endpoints for this port: no pod its EndpointSlices list for selector {selector} ' +
    '({endpoints}) declares a containerPort named {targetPort}',
  // The pods behind a Service without ready endpoints (no-endpoints.ts), from each pod's own status:
  // the phase, a deletion under way, and the condition the scheduler or the kubelet wrote False,
  // its reason and message quoted as written.
  'note.fault.pod.phase': 'pod {pod} is {phase}',
  'note.fault.pod.noPhase': 'pod {pod} has no phase in its status',
  'note.fault.pod.terminating': 'terminating since {since} (metadata.deletionTimestamp)',
  'note.fault.pod.condition': '{condition}, reason {reason}: "{message}"',
  'note.fault.pod.conditionReason': '{condition}, reason {reason}',
  'note.fault.pod.conditionBare': '{condition}, with no reason given',
  'note.fault.pod.noFalse': 'no condition in its status is False ({conditions})',
  'note.fault.pod.noConditions': 'its status has no conditions',
  'note.fault.pods.more': 'and {count} more pod(s)',
  'note.fault.pods.none':
    'no pod in namespace {namespace} carries the labels {selector}, so there is nothing to be an endpoint',
  // Pods, where a load balancer's health check makes the node matter, and pods whose status says the same.
  'note.fault.pod.phaseOn': 'pod {pod} on node {node} is {phase}',
  'note.fault.pod.noPhaseOn': 'pod {pod} on node {node} has no phase in its status',
  'note.fault.pods.group': '{count} pods are {phase}',
  'note.fault.pods.groupNoPhase': '{count} pods have no phase in their status',
  // Each node under a load balancer's "no node passes the health check" (lb-fault.ts): what its check got
  // (kube-proxy's service health server on healthCheckNodePort, or a TCP connect to the NodePort) and
  // the Service's endpoints the EndpointSlices place on it.
  'note.fault.lbNode.local':
    'node {node}: kube-proxy answers HTTP {status} on healthCheckNodePort {port} (/healthz) with localEndpoints ' +
    '{count}: no ready endpoint of Service {service} runs on this node',
  'note.fault.lbNode.nothingListens': 'node {node}: nothing listens on healthCheckNodePort {port}',
  'note.fault.lbNode.refused':
    'node {node}: a TCP connect to NodePort {port} is refused: kube-proxy rejects it on every node while Service ' +
    '{service} has no endpoints',
  'note.fault.lbNode.result': 'node {node}: the check got {result}',
  'note.fault.lbNode.proxyDown':
    'node {node}: kube-proxy is not running there (it exited at start-up), so the check on port {port} is refused',
  'note.fault.lbNode.noneHere': 'the EndpointSlices list no endpoint on this node',
  'note.fault.lbNode.notReadyHere': 'the EndpointSlices list {count} endpoint(s) here, not ready: {pods}',
  'note.fault.lbNode.readyHere': 'the EndpointSlices list {count} ready endpoint(s) here: {pods}',
  'note.fault.lbNode.leftOut':
    'node {node} runs {count} ready endpoint(s) of Service {service} ({pods}), but the load balancer has no ' +
    'target there',
  'note.fault.lbNode.excluded': 'the node carries the label {label}',
  'note.fault.lbNode.noTarget': 'the node has no InternalIP address for the load balancer to send to',
  'note.fault.dnsTimeout': 'no DNS server answered for {name} ({server}): is CoreDNS running and ready?',
  'note.fault.cnameOutside':
    '{name} is a CNAME for {target}, a name outside this lab: on a real cluster CoreDNS would resolve it upstream ' +
    'and the pod would connect there',
  'note.fault.nxdomain': '{name}: {rcode} (tried {tries})',
  // A list inside a hop's explanation (a search list, the ports served), joined as the language joins one.
  'note.list': '{items}',
  // Who sends, answers or is reached, inside a hop's explanation or a fault.
  // The console's own lines (not a program's output): curl's summary of the trace, help's last line,
  // what the lab says instead of running ping or deleting kube-proxy's pods.
  'note.shell.curl': '{who}{sawAs}{via}',
  'note.shell.answered': 'answered by pod {pod}',
  'note.shell.errorFrom': 'HTTP {status} from pod {pod}',
  'note.shell.status': 'HTTP {status}',
  'note.shell.sawAs': '; it saw the client as {source}',
  'note.shell.via': ' (via Service {service})',
  'note.shell.help':
    'A change (apply, delete, scale, label, edit) runs the controllers and lists their events; undo reverts it.',
  'note.shell.proxyRestarted': 'kube-proxy on {node} restarted',
  'note.shell.proxyNoPods':
    "(the lab's kube-proxy has no pods of its own: it already runs with the current ConfigMap; mode {mode})",
  'note.shell.replicasCap': 'error: the lab runs at most {max} replicas per {kind} (asked for {asked})',
  'note.shell.cookiePairs':
    "curl: -b takes name=value pairs here (the lab has no cookie files): -b 'INGRESSCOOKIE=abc'",
  'note.shell.cookieJar':
    "curl: -c: the lab's shell keeps no cookie files; send a cookie with -b, " +
    'or use the composer\'s "keep cookies" (netlab trace --cookie-jar)',
  // The lab's own limits and explanations in a tool's format (src/sim/shell): the lab's words, not the tool's.
  'note.shell.outsideLab': "{tool}: {client} is outside the lab: the lab models the nodes' and pods' network only",
  'note.shell.podNotRunning': '{tool}: pod {pod} is not running on a node',
  'note.shell.nodeNotInCluster': '{tool}: node {node} is not in the cluster',
  'note.shell.ipv4Only': '{tool}: the lab routes IPv4 only; ask for one address, not "{arg}"',
  'note.shell.routeGetArgs': "{tool}: the lab's {command} takes {syntax}, not {word}",
  'note.shell.routeTables': 'Error: argument "{arg}" is wrong: the lab\'s nodes have the tables {main} and {local}',
  'note.shell.addonObject':
    'error: {resource} "{name}" is created by the lab\'s addons, not written in the scenario: ' +
    'change the lab settings instead',
  'note.shell.kubectlVerb':
    'error: the lab\'s console does not run "kubectl {verb}" (it models the network, not containers or ' +
    'rollouts); {tool} here runs {verbs} and {last}',
  'note.shell.kubectlHelp': "{tool} controls the lab's cluster.\n\nCommands: {commands}",
  'note.shell.curlOption':
    "curl: the lab's curl does not model {option}: it sends the request from this shell straight into the cluster",
  'note.shell.curlNoFollow':
    'curl -L would now request {location}; the lab traces one request at a time: send that one next',
  'note.shell.iptablesTable': '{tool}: kube-proxy writes the {tables} tables; table {table} has no rules of its own',
  'note.shell.iptablesList':
    "iptables: the lab prints rules as iptables -S and iptables-save write them ({example}); -L's table view is "
    + 'not modelled',
  'note.shell.iptablesWrite':
    "iptables: these rules are kube-proxy's: change the cluster (a Service, its endpoints, kube-proxy's mode) "
    + 'and kube-proxy writes them again',
  'note.shell.kubectlFlag':
    'error: the lab\'s console does not take {flag} for {verb}; it takes {flags}',
  'note.shell.scaleDeployments': 'error: the lab scales Deployments and StatefulSets, not {resource}',
  'note.shell.editStructured':
    'error: the console edits with structured changes: {set}, or {patch} (a JSON merge patch)',
  'note.shell.setPathValue': 'error: --set takes path=value, not "{arg}"',
  'note.shell.setPathEmpty': 'error: empty path',
  'note.shell.setPathNoElement': 'error: {path}: no such element',
  'note.shell.setPathNotObject': 'error: {path}: not an object',
  'note.shell.setPathNotList': 'error: {path}: not a list',
  'note.shell.kindNameFixed': 'error: {resource} "{name}": the kind and name of an object cannot change',
  'note.shell.kubeProxySet': "error: edit kube-proxy's configuration with --set, e.g. {example}",
  'note.shell.applyStdin':
    'error: the console reads manifests from standard input only: {command}, then the YAML, then EOF',
  'note.shell.curlScheme': 'curl: the lab traces HTTP and HTTPS requests; it does not model {scheme}://',
  'note.shell.curlSays': 'curl: {what}',
  'note.shell.curlHeader': 'curl: -H takes {form}, not {header}',
  'note.shell.noTracer': 'curl: the tracer is not available yet',
  'note.shell.rulesOnNode':
    "{tool}: kube-proxy's rules live in the node's network namespace: switch the console to a node first ({command})",
  'note.shell.rulesNone': '{tool}: nothing to show: kube-proxy on {node} runs in {mode} mode',
  'note.shell.notInLab': '{tool}: {path}: {client} is not part of the lab',
  'note.shell.digOutside':
    ";; the {client} resolver does not know the cluster's DNS: {name} is only resolvable inside the cluster",
  'note.shell.noClient': '{tool}: no external client "{client}" (clients: {clients})',
  'note.shell.none': 'none',
  'note.shell.helpLines': '{commands}',
  'note.shell.helpOnNode': '{commands}        (on a node)',
  'note.shell.helpNodeOrPod': '{commands}   (on a node or in a pod)',
  // The lab's hint after a program's own words on the same line or the line before (bash's "command not found",
  // curl's error): the program's words are a parameter, as it printed them.
  'note.shell.notFound': '{said} (try: {command})',
  'note.shell.pipeNotFound': '{said} (after a |, the console runs {filters})',
  'note.shell.curlFault': '{said}\n  ({fault})',
  // The lab refuses a change to kube-proxy's ConfigMap that kube-proxy could not run (its setting's words).
  'note.shell.kubeProxyRefused': 'error: {object}: {why}',
  // kubectl's own framing of a manifest it could not read (`said`), then why: the lab's loader's words.
  'note.shell.manifestRefused': '{said}{why}',
  'note.shell.shellUsage': 'usage: {syntax}',
  'note.shell.getentDatabase': '{tool}: the lab looks up hosts here ({databases}), not {database}',
  'note.shell.getentOption':
    '{tool}: the lab\'s {tool} takes no option {option}: it reads hosts as nsswitch.conf says, {nsswitch}',
  // A program's own lines between the console's words, the same in every language.
  'note.shell.printed': '{text}',
  'note.shell.ping':
    "ping: the lab traces TCP (and DNS over UDP), not ICMP. kube-proxy's rules match a protocol and a\n" +
    'port, so in iptables and nftables mode nobody answers a ping to a ClusterIP; in IPVS mode the node does\n' +
    '(kube-ipvs0 holds the address). Try: curl http://ADDRESS:PORT/',
  // Artifact titles that are words, not commands (the page lists them in its language).
  'note.title.loadBalancer': 'load balancer {address} ({service})',
  'note.title.gatewayConf': 'nginx.conf of Gateway {gateway} (NGINX Gateway Fabric)',
  'note.title.zone': 'CoreDNS zone {origin}',
  'note.title.publicDns': 'DNS resolver outside the lab ({server})',
  'note.title.hosts': '/etc/hosts on {client}',
  'note.title.podHosts': '/etc/hosts in pod {pod}',
  'note.title.podResolvConf': '/etc/resolv.conf in pod {pod}',
  'note.title.nodeHosts': '/etc/hosts on node {node}',
  'note.title.nodeResolvConf': '/etc/resolv.conf on node {node}',
  'note.title.restoreFull': 'iptables-restore input, full sync ({node})',
  'note.title.restorePartial': 'iptables-restore input, partial sync ({node})',
  'note.title.traefik': 'Traefik dynamic configuration ({className})',
  'note.title.userspacePorts': 'kube-proxy userspace proxy ports',
  'note.party.client': '{name}',
  'note.party.pod': 'pod {pod}',
  'note.party.node': 'node {node}',
  'note.party.kubeProxy': 'kube-proxy ({node})',
  'note.party.loadBalancer': 'load-balancer {address}',
  // Which rules imply the shares a run of requests is compared with (distribution.ts).
  'note.dist.noRequest': 'no request was sent',
  'note.dist.oneBackend': 'the Gateway rule has one backend: no weights to split',
  'note.dist.splitLocations': '{variable} splits to per-backend locations, not upstreams',
  'note.dist.split': "split_clients {variable}: the HTTPRoute rule's backend weights",
  'note.dist.ingress': "the {controller} ingress controller chose the endpoint (its balancer, not kube-proxy's rules)",
  'note.dist.noDecision': 'no kube-proxy load-balancing decision on the path',
  'note.dist.clientIP': 'ClientIP affinity: one endpoint per client (Service {service})',
  'note.dist.numgen': 'nft numgen random mod {k} on {node}',
  'note.dist.userspace': 'userspace round-robin on {node}: shares depend on the request order, not a probability',
  'note.dist.notBalancing': 'the decision on {node} was not a load-balancing rule',
  'note.dist.iptables': 'iptables statistic rules in {chain} on {node}',
  'note.dist.ipvsZero': 'ipvs {scheduler} on {node}: every real server has weight 0',
  'note.dist.ipvs': 'ipvs {scheduler} on {node}',
  'note.dist.ipvsDynamic':
    'ipvs {scheduler} on {node}: the choice depends on connections or the client address, not fixed shares',
  'note.fault.nodeNotListening': 'nothing listens on {address} on node {node}',
  'note.fault.nodeNotListeningNodePort':
    'nothing listens on {address} on node {node}; Service {service} serves port {port} on the nodes at nodePort '
    + '{nodePort}',
  'note.fault.noServicePort':
    'Service {service} has no port {port} (it serves {ports}); a ClusterIP answers only on its Service ports',
  'note.fault.noServicePortNone':
    'Service {service} has no port {port} (it serves no ports); a ClusterIP answers only on its Service ports',
  'note.fault.noRoute': 'no route to {dst}: {why}',
  'note.fault.lbNoListener':
    'the load balancer {address} of Service {service} has no listener on port {port} (it listens on {ports})',
  'note.fault.lbNoListenerNone':
    'the load balancer {address} of Service {service} has no listener on port {port} (it listens on no port)',
  'note.fault.lbNoNodePort':
    'the load balancer of Service {service}: no nodePort (spec.allocateLoadBalancerNodePorts: false): ' +
    'a nodeport load balancer has nowhere to send',
  'note.fault.lbNoHealthyLocal':
    'no node passes the load balancer health check for Service {service}: ' +
    'externalTrafficPolicy is Local and no node has a ready endpoint',
  'note.fault.lbNoHealthyLeftOut':
    'no node passes the load balancer health check for Service {service}: externalTrafficPolicy is Local and ' +
    'its ready endpoints run only on nodes the load balancer does not send to ({nodes})',
  'note.fault.lbNoHealthy':
    'no node passes the load balancer health check ({check}) for Service {service}: ' +
    'the Service has no ready endpoints, so kube-proxy rejects its NodePort on every node',
  'note.fault.podNotListening':
    "pod {pod} does not listen on port {port} (it listens on {listening}); check the Service's targetPort",
  'note.fault.podListensNowhere':
    "pod {pod} does not listen on port {port} (it listens on no port); check the Service's targetPort",
  // Why a reply was not delivered (reply.ts).
  'note.fault.replyBypassed':
    'node {node} DNATed the connection to {endpoint} without masquerading it, so the backend answered {client} ' +
    'directly: the reply crossed {path} and never {node}, whose conntrack entry alone could undo the DNAT ' +
    '({entry}). {client} got a SYN-ACK from {from} instead of {expected}, answered with a reset and timed out. ' +
    'Fixes: masquerade this path (the reply must then return through {node}), set externalTrafficPolicy: Cluster, ' +
    'or call the NodePort on node {endpointNode}, where the endpoint runs',
  'note.fault.replyHairpin':
    '{client} reached itself through the DNAT of node {node}, and nothing masqueraded the connection: its answer ' +
    'went to its own address and never left the pod, so it never crossed {node}, whose conntrack entry alone could ' +
    'undo the DNAT ({entry}). The socket got a SYN-ACK from {from} instead of {expected}, answered with a reset ' +
    'and timed out. Fix: masquerade hairpin traffic (kube-proxy marks a packet from an endpoint to itself for ' +
    'masquerade)',
  'note.fault.replyStray':
    "the reply reached {client} from {from}, but it connected to {expected}; no node on the way back ({path}) had " +
    "a conntrack entry to rewrite it, so {client}'s kernel answered with a reset and the request timed out",
  'note.fault.replyLost':
    'the reply for {client} went to {dst} (across {path}), where nothing has this connection: the request timed ' +
    'out',
  'note.fault.replyInvalid':
    'the SYN-ACK for {client} from {from} crossed node {node}, which never saw the connection\'s first packet: its ' +
    'conntrack classified the reply INVALID and {rule} dropped it, so {client} never got it and timed out',
  'note.fault.replyInvalidBypassed':
    'node {dnatNode} DNATed the connection to {endpoint} without masquerading it, so the backend answered {client} ' +
    'directly: the SYN-ACK from {from} went {path} and never crossed {dnatNode}, whose conntrack entry alone could ' +
    'undo the DNAT ({entry}). Node {node} never saw the connection\'s first packet, so its conntrack classified the ' +
    'SYN-ACK INVALID and {rule} dropped it: {client} never got it and timed out. Fixes: masquerade this path (the ' +
    'reply must then return through {dnatNode}), set externalTrafficPolicy: Cluster, or call the NodePort on node ' +
    '{endpointNode}, where the endpoint runs',
  // The request composer's and the CLI's syntax errors (request.ts): what a --from, --connect or URL must be.
  'note.request.from': '--from must be external[:<client or ip>], pod:<ns>/<name> or node:<name>, not {text}',
  'note.request.connect':
    '--connect must be ingress[:<class>], gateway:<ns>/<name>[:<port>], node:<name> or <ip>:<port>, not {text}',
  'note.request.url': 'cannot parse URL {url}: expected http://host[:port]/path',
  'note.request.port': 'port {port} in {url} is out of range 0-65535',
  'note.request.portNumber': 'port {port} in {url} is not a number',
  'note.request.scheme': 'scheme {scheme} in {url} is not supported: only http and https',
  'note.request.host': 'host {host} in {url} is not a host name or IPv4 address',
  'note.request.ipv6': 'host {host} in {url} is an IPv6 address: the lab models IPv4 only',
  'note.caveat.policyIngress':
    'NetworkPolicy {policy} selects pod {pod} for Ingress, and the lab does not enforce NetworkPolicies: on a ' +
    'cluster whose network plugin does (Calico, Cilium), this connection gets in only if a rule of a policy ' +
    'that selects the pod allows it',
  'note.caveat.policyEgress':
    'NetworkPolicy {policy} selects pod {pod} for Egress, and the lab does not enforce NetworkPolicies: on a ' +
    'cluster whose network plugin does (Calico, Cilium), this connection (and the DNS query before it) gets ' +
    'out only if a rule of a policy that selects the pod allows it',
} as const;

export type NoteKey = keyof typeof noteMessagesEn;

export const noteMessagesZh: Record<NoteKey, string> = {
  'note.nginx.noHttp': 'nginx.conf 里没有 http 块',
  'note.nginx.noListener': '没有进程监听端口 {port}',
  'note.nginx.server.exact': '选中 server {server}（server_name 精确匹配）',
  'note.nginx.server.wildcard': '选中 server {server}（server_name 通配符匹配）',
  'note.nginx.server.regex': '选中 server {server}（server_name 正则匹配）',
  'note.nginx.server.default_server': '选中 server {server}（没有 server_name 匹配，使用默认 server）',
  'note.nginx.noLocation': '没有 location 匹配：404',
  'note.nginx.location.exact': '选中 location {location}（精确匹配 {uri}）',
  'note.nginx.location.prefix': '选中 location {location}（前缀匹配 {uri}）',
  'note.nginx.location.regex': '选中 location {location}（正则匹配 {uri}）',
  'note.nginx.location.auto-redirect':
    'location {location} 做代理且以 "/" 结尾：nginx 把 {uri} 以 301 重定向到 {uri}/，尽管按 Ingress 规范，不带斜杠的路径本可直接匹配',
  'note.nginx.rewrite': '把路径 {from} 改写为 {to}',
  'note.nginx.denied': '客户端 {client} 被拒绝（{rule}）：403',
  'note.nginx.allowed': '客户端 {client} 被 {rule} 放行',
  'note.nginx.noHandler': 'location 没有处理请求的指令：404',
  'note.nginx.canaryEmpty': '金丝雀 upstream {upstream} 没有端点：503',
  'note.nginx.noUpstream': '没有名为 {upstream} 的 upstream：502',
  'note.nginx.noPeers': 'upstream {upstream} 中没有后端：503',
  'note.nginx.cookiePins': 'Cookie {cookie}（持久模式）把请求固定到 {peer}',
  'note.nginx.cookieStale': 'Cookie {cookie} 指向的后端已不存在：重新选择',
  'note.nginx.cookieHashes': 'Cookie {cookie}（均衡模式）哈希到 {peer}',
  'note.nginx.newSession': '新会话 {session} 哈希到 {peer}（共 {count} 个后端）',
  'note.nginx.balance': '负载均衡算法 {algorithm} 从 {count} 个后端中选中 {peer}',
  'note.nginx.internal': '转给自己在 {peer} 上的 server',
  'note.nginx.returnRedirect': '直接返回 {status}，重定向到 {url}',
  'note.nginx.return': '直接返回 {status}',
  'note.nginx.canaryHeaderValue': '金丝雀：请求头 {header} 的值为 {value}',
  'note.nginx.canaryHeader': '金丝雀：请求头 {header} 为 {value}',
  'note.nginx.canaryCookie': '金丝雀：Cookie {cookie} 为 {value}',
  'note.nginx.canaryWeightAll': '金丝雀：权重 {weight}/{total}',
  'note.nginx.canaryDrawCanary': '金丝雀：权重 {weight}/{total}，抽到 {draw}，走金丝雀版本',
  'note.nginx.canaryDrawMain': '金丝雀：权重 {weight}/{total}，抽到 {draw}，走主版本',
  'note.traefik.noEntryPoint': '端口 {port} 上没有入口点',
  'note.traefik.router': '路由器 {router}（优先级 {priority}）匹配：{rule}',
  'note.traefik.middlewares': '中间件 {middlewares} 未被模拟',
  'note.traefik.noServers': '服务 {service} 没有后端服务器：503',
  'note.traefik.wrr': '加权轮询从 {count} 个后端中选中 {server}',
  'note.traefik.noRouter': '没有路由器匹配：Traefik 返回 404',
  'note.traefik.body': '响应体 "{body}"',
  'note.ingress.outcome': '{outcome} {status}',
  'note.gateway.mirrorSent': '向端点 {endpoint} 发送一份副本（upstream {upstream}，Service {service}，镜像 {percent} 的请求）',
  'note.gateway.mirrorSkipped':
    '没有发往 upstream {upstream} 的副本：split_clients 把这个请求的 $request_id 分到它镜像的 {percent} 之外，' +
    '所以镜像 location 自己返回 204',
  'note.gateway.mirrorError': '发往 upstream {upstream} 的副本由 nginx 自己返回 {status}：镜像的 backendRef 没有可用的后端',
  'note.route.clusterIP':
    '{dst} 是 Service {service} 的 ClusterIP：它只以 kube-proxy 规则的形式存在于集群节点上，集群外的机器没有通往它的路由。请改用 NodePort、' +
    'LoadBalancer 或 Ingress。',
  'note.route.pod': '{dst} 是 Pod {pod} 的地址；Pod 地址只在集群的 Pod 网络内部路由。',
  'note.route.nobody': '这个实验环境里没有任何节点、负载均衡器或客户端拥有 {dst}。',
  'note.route.loadBalancer': '{dst} 是集群外负载均衡器的地址。',
  'note.route.internet': '发往互联网的流量不在这个实验环境之内。',
  'note.proxy.ruleComment': '规则注释为 "{comment}"',
  'note.proxy.nftReject': '被 kube-proxy 拒绝（没有端点，或不是 Service 的端口）',
  'note.proxy.nftDrop': '被 kube-proxy 丢弃（没有本地端点、ClusterIP 未分配，或源地址不在允许范围内）',
  'note.proxy.ipvsFilter': 'KUBE-IPVS-FILTER：这个地址上没有这个 Service 端口',
  'note.proxy.ipvsSourceRange': '被 loadBalancerSourceRanges 丢弃',
  'note.proxy.ipvsNoReal': 'IPVS 虚拟服务器没有真实服务器',
  'note.proxy.ipvsNoDest': 'IPVS 调度器找不到目的地',
  'note.fault.serviceNotFound': '找不到 Service {service}',
  'note.fault.noControllerForClass': '没有 Ingress 控制器负责类 {className}',
  'note.fault.noController': '这个场景里没有 Ingress 控制器',
  'note.fault.controllerUnreachable': '{className} 控制器没有从外部可达的地址（没有 LoadBalancer 地址、NodePort 或 hostPort）',
  'note.fault.noSelector': 'Service {service} 没有选择算符，它的 Endpoints/EndpointSlice 中也没有就绪的端点',
  'note.fault.noReady': 'Service {service} 没有就绪的端点：选择算符 {selector} 匹配到 {ready} 个就绪的 Pod',
  'note.fault.noReadyOne': 'Service {service} 没有就绪的端点：选择算符 {selector} 匹配到 {ready} 个就绪的 Pod',
  'note.fault.noReadySome': 'Service {service} 没有就绪的端点：选择算符 {selector} 匹配到 {ready} 个就绪的 Pod（另有 {notReady} 个未就绪）',
  'note.fault.noReadyOneSome': 'Service {service} 没有就绪的端点：选择算符 {selector} 匹配到 {ready} 个就绪的 Pod（另有 {notReady} 个未就绪）',
  'note.fault.noReadyTerminating':
    'Service {service} 没有就绪的端点：它的 EndpointSlice（选择算符 {selector}）中有 {terminating} 个正在终止、' +
    '已不再提供服务的端点，另有 {notReady} 个未就绪',
  'note.fault.noPortEndpoints':
    'Service {service} 的这个端口没有端点：它的 EndpointSlice 为选择算符 {selector} 列出的 Pod（{endpoints} 个）' +
    '都没有声明名为 {targetPort} 的 containerPort',
  'note.fault.pod.phase': 'Pod {pod} 处于 {phase} 阶段',
  'note.fault.pod.noPhase': 'Pod {pod} 的 status.phase 为空',
  'note.fault.pod.terminating': '自 {since} 起正在终止（metadata.deletionTimestamp）',
  'note.fault.pod.condition': '{condition}，原因 {reason}：“{message}”',
  'note.fault.pod.conditionReason': '{condition}，原因 {reason}',
  'note.fault.pod.conditionBare': '{condition}，没有给出原因',
  'note.fault.pod.noFalse': '它的 status.conditions 中没有一项为 “False”（{conditions}）',
  'note.fault.pod.noConditions': '它的 status.conditions 为空',
  'note.fault.pods.more': '另有 {count} 个 Pod',
  'note.fault.pods.none': '命名空间 {namespace} 中没有任何 Pod 带有标签 {selector}，因此没有可以成为端点的 Pod',
  'note.fault.pod.phaseOn': '节点 {node} 上的 Pod {pod} 处于 {phase} 阶段',
  'note.fault.pod.noPhaseOn': '节点 {node} 上的 Pod {pod} 的 status.phase 为空',
  'note.fault.pods.group': '{count} 个 Pod 处于 {phase} 阶段',
  'note.fault.pods.groupNoPhase': '{count} 个 Pod 的 status.phase 为空',
  'note.fault.lbNode.local':
    '节点 {node}：kube-proxy 在 healthCheckNodePort {port}（/healthz）上回答 HTTP {status}，localEndpoints 为 {count}：' +
    '这个节点上没有运行 Service {service} 的就绪端点',
  'note.fault.lbNode.nothingListens': '节点 {node}：没有进程监听 healthCheckNodePort {port}',
  'note.fault.lbNode.refused':
    '节点 {node}：到 NodePort {port} 的 TCP 连接被拒绝：只要 Service {service} 没有端点，kube-proxy 就在每个节点上拒绝它',
  'note.fault.lbNode.result': '节点 {node}：健康检查的结果是 {result}',
  'note.fault.lbNode.proxyDown': '节点 {node}：kube-proxy 没有在运行（它在启动时就退出了），所以端口 {port} 上的健康检查被拒绝',
  'note.fault.lbNode.noneHere': 'EndpointSlice 中没有位于这个节点上的端点',
  'note.fault.lbNode.notReadyHere': 'EndpointSlice 列出这个节点上的 {count} 个端点，都未就绪：{pods}',
  'note.fault.lbNode.readyHere': 'EndpointSlice 列出这个节点上的 {count} 个就绪端点：{pods}',
  'note.fault.lbNode.leftOut':
    '节点 {node} 上运行着 Service {service} 的 {count} 个就绪端点（{pods}），但负载均衡器没有以它为目标',
  'note.fault.lbNode.excluded': '这个节点带有标签 {label}',
  'note.fault.lbNode.noTarget': '这个节点没有可供负载均衡器发送的 InternalIP 地址',
  'note.fault.dnsTimeout': '没有 DNS 服务器应答 {name} 的查询（{server}）：CoreDNS 是否在运行并已就绪？',
  'note.fault.cnameOutside': '{name} 是指向 {target} 的 CNAME，这个名字在实验环境之外：在真实集群中 CoreDNS 会向上游解析它，Pod 会直接连接过去',
  'note.fault.nxdomain': '{name}：{rcode}（尝试了 {tries}）',
  'note.list': '{items}',
  'note.shell.curl': '{who}{sawAs}{via}',
  'note.shell.answered': '由 Pod {pod} 应答',
  'note.shell.errorFrom': 'Pod {pod} 返回 HTTP {status}',
  'note.shell.status': 'HTTP {status}',
  'note.shell.sawAs': '；它看到的客户端地址是 {source}',
  'note.shell.via': '（经由 Service {service}）',
  'note.shell.help': '更改集群的命令会运行控制器并列出它们引发的事件；撤销可以还原。',
  'note.shell.proxyRestarted': '节点 {node} 上的 kube-proxy 已重启',
  'note.shell.proxyNoPods': '（实验里的 kube-proxy 没有自己的 Pod：它已经按当前的 ConfigMap 运行；模式 {mode}）',
  'note.shell.replicasCap': '错误：本实验每个 {kind} 最多运行 {max} 个副本（这里要求 {asked} 个）',
  'note.shell.cookiePairs': "curl：这里的 -b 只接受 name=value 形式的 Cookie（实验里没有 Cookie 文件）：-b 'INGRESSCOOKIE=abc'",
  'note.shell.cookieJar':
    'curl：-c：实验的命令行不保存 Cookie 文件；请用 -b 发送 Cookie，' +
    '或在请求编辑器里勾选“在请求之间保留 cookie”（命令行工具用 `netlab trace --cookie-jar`）',
  'note.shell.outsideLab': '{tool}：{client} 在实验之外：实验只模拟节点和 Pod 的网络',
  'note.shell.podNotRunning': '{tool}：Pod {pod} 没有在任何节点上运行',
  'note.shell.nodeNotInCluster': '{tool}：节点 {node} 不在集群里',
  'note.shell.ipv4Only': '{tool}：本实验只路由 IPv4；请查询单个地址，而不是 "{arg}"',
  'note.shell.routeGetArgs': '{tool}：本实验的 {command} 只接受 {syntax}，不接受 {word}',
  'note.shell.routeTables': '错误：参数 "{arg}" 不对：实验里的节点只有 {main} 和 {local} 两张路由表',
  'note.shell.addonObject': '错误：{resource} "{name}" 由实验的插件创建，不是场景里写的：请改为修改实验设置',
  'note.shell.kubectlVerb':
    '错误：实验的控制台不运行 "kubectl {verb}"（它模拟的是网络，不是容器或滚动更新）；这里的 {tool} 只运行 {verbs} 和 {last}',
  'note.shell.kubectlHelp': '{tool} 操作实验里的集群。\n\n命令：{commands}',
  'note.shell.kubectlFlag': '错误：实验的控制台的 {verb} 不接受 {flag}；它接受 {flags}',
  'note.shell.iptablesTable': '{tool}：kube-proxy 只写 {tables} 这两个表；{table} 表里没有它的规则',
  'note.shell.iptablesList': 'iptables：实验按 iptables -S 和 iptables-save 的格式打印规则（{example}）；不模拟 -L 的表格视图',
  'note.shell.iptablesWrite': 'iptables：这些规则属于 kube-proxy：请修改集群（Service、它的端点、kube-proxy 的模式），kube-proxy 会重新写入',
  'note.shell.curlOption': 'curl：实验的 curl 不模拟 {option}：它把请求从这个命令行直接发进集群',
  'note.shell.curlNoFollow': 'curl -L 接下来会请求 {location}；实验一次只追踪一个请求：请把它作为下一个请求发送',
  'note.shell.scaleDeployments': '错误：本实验只扩缩 Deployment 和 StatefulSet，不扩缩 {resource}',
  'note.shell.editStructured': '错误：控制台用结构化的更改来编辑：{set}，或 {patch}（JSON 合并补丁）',
  'note.shell.setPathValue': '错误：--set 接受 path=value 形式，而不是 "{arg}"',
  'note.shell.setPathEmpty': '错误：路径为空',
  'note.shell.setPathNoElement': '错误：{path}：没有这个元素',
  'note.shell.setPathNotObject': '错误：{path}：不是对象',
  'note.shell.setPathNotList': '错误：{path}：不是列表',
  'note.shell.kindNameFixed': '错误：{resource} "{name}"：对象的类型和名称不能更改',
  'note.shell.kubeProxySet': '错误：请用 --set 编辑 kube-proxy 的配置，例如 {example}',
  'note.shell.applyStdin': '错误：控制台只从标准输入读取清单：{command}，接着是 YAML，最后是 EOF',
  'note.shell.curlScheme': 'curl：本实验追踪 HTTP 和 HTTPS 请求，不模拟 {scheme}://',
  'note.shell.curlSays': 'curl：{what}',
  'note.shell.curlHeader': 'curl：-H 接受 {form} 形式，而不是 {header}',
  'note.shell.noTracer': 'curl：追踪器还没有准备好',
  'note.shell.rulesOnNode': '{tool}：kube-proxy 的规则在节点的网络命名空间里：请先把控制台切换到一个节点（{command}）',
  'note.shell.rulesNone': '{tool}：没有可显示的内容：{node} 上的 kube-proxy 运行在 {mode} 模式',
  'note.shell.notInLab': '{tool}：{path}：{client} 不属于本实验',
  'note.shell.digOutside': ';; {client} 的解析器不知道集群的 DNS：{name} 只能在集群内部解析',
  'note.shell.noClient': '{tool}：没有名为 "{client}" 的外部客户端（客户端：{clients}）',
  'note.shell.none': '无',
  'note.shell.helpLines': '{commands}',
  'note.shell.helpOnNode': '{commands}        （在节点上）',
  'note.shell.helpNodeOrPod': '{commands}   （在节点上或 Pod 里）',
  'note.shell.notFound': '{said}（输入 {command} 查看控制台能运行的命令）',
  'note.shell.pipeNotFound': '{said}（在 | 之后，控制台只运行 {filters}）',
  'note.shell.curlFault': '{said}\n  （{fault}）',
  'note.shell.kubeProxyRefused': '错误：{object}：{why}',
  'note.shell.manifestRefused': '{said}{why}',
  'note.shell.shellUsage': '用法：{syntax}',
  'note.shell.getentDatabase': '{tool}：本实验在这里只查主机（{databases}），不查 {database}',
  'note.shell.getentOption': '{tool}：本实验的 {tool} 不接受选项 {option}：它按 nsswitch.conf 的配置 {nsswitch} 查主机',
  'note.shell.printed': '{text}',
  'note.shell.ping':
    'ping：实验追踪的是 TCP（以及基于 UDP 的 DNS），不是 ICMP。kube-proxy 的规则按协议和端口匹配，\n' +
    '所以在 iptables 和 nftables 模式下没有谁应答对 ClusterIP 的 ping；在 IPVS 模式下节点会应答\n' +
    '（kube-ipvs0 上绑定了这个地址）。试试：curl http://ADDRESS:PORT/',
  'note.title.loadBalancer': '负载均衡器 {address}（{service}）',
  'note.title.gatewayConf': 'Gateway {gateway} 的 nginx.conf（NGINX Gateway Fabric）',
  'note.title.zone': 'CoreDNS 区域 {origin}',
  'note.title.publicDns': '实验室之外的 DNS 解析器（{server}）',
  'note.title.hosts': '{client} 上的 /etc/hosts',
  'note.title.podHosts': 'Pod {pod} 中的 /etc/hosts',
  'note.title.podResolvConf': 'Pod {pod} 中的 /etc/resolv.conf',
  'note.title.nodeHosts': '节点 {node} 上的 /etc/hosts',
  'note.title.nodeResolvConf': '节点 {node} 上的 /etc/resolv.conf',
  'note.title.restoreFull': 'iptables-restore 的输入，完整同步（{node}）',
  'note.title.restorePartial': 'iptables-restore 的输入，部分同步（{node}）',
  'note.title.traefik': 'Traefik 动态配置（{className}）',
  'note.title.userspacePorts': 'kube-proxy 用户态代理的端口',
  'note.party.client': '{name}',
  'note.party.pod': 'Pod {pod}',
  'note.party.node': '节点 {node}',
  'note.party.kubeProxy': 'kube-proxy（{node}）',
  'note.party.loadBalancer': '负载均衡器 {address}',
  'note.dist.noRequest': '没有发出任何请求',
  'note.dist.oneBackend': 'Gateway 规则只有一个后端：没有可分配的权重',
  'note.dist.splitLocations': '{variable} 分流到每个后端各自的 location，而不是 upstream',
  'note.dist.split': 'split_clients {variable}：HTTPRoute 规则的后端权重',
  'note.dist.ingress': '端点由 {controller} Ingress 控制器选择（用它自己的负载均衡算法，而不是 kube-proxy 的规则）',
  'note.dist.noDecision': '路径上没有 kube-proxy 的负载均衡决策',
  'note.dist.clientIP': 'ClientIP 会话亲和性：每个客户端固定一个端点（Service {service}）',
  'note.dist.numgen': '{node} 上 nftables 规则中的 “numgen random mod {k}”',
  'note.dist.userspace': '{node} 上 kube-proxy 用户态代理的轮询：份额取决于请求的先后顺序，而不是概率',
  'note.dist.notBalancing': '{node} 上做出的决策不是负载均衡规则',
  'note.dist.iptables': '{node} 上 {chain} 链中的 iptables 随机概率（“-m statistic”）规则',
  'note.dist.ipvsZero': '{node} 上的 ipvs {scheduler}：每个真实服务器的权重都是 0',
  'note.dist.ipvs': '{node} 上的 ipvs {scheduler}',
  'note.dist.ipvsDynamic': '{node} 上的 ipvs {scheduler}：选择取决于连接数或客户端地址，没有固定份额',
  'note.fault.nodeNotListening': '节点 {node} 上没有进程监听 {address}',
  'note.fault.nodeNotListeningNodePort':
    '节点 {node} 上没有进程监听 {address}；Service {service} 的端口 {port} 在各节点上开放的是 nodePort {nodePort}',
  'note.fault.noServicePort': 'Service {service} 没有端口 {port}（它提供的是 {ports}）；ClusterIP 只在 Service 的端口上应答',
  'note.fault.noServicePortNone': 'Service {service} 没有端口 {port}（它没有任何端口）；ClusterIP 只在 Service 的端口上应答',
  'note.fault.noRoute': '没有通往 {dst} 的路由：{why}',
  'note.fault.lbNoListener': 'Service {service} 的负载均衡器 {address} 在端口 {port} 上没有监听器（它监听的是 {ports}）',
  'note.fault.lbNoListenerNone': 'Service {service} 的负载均衡器 {address} 在端口 {port} 上没有监听器（它没有监听任何端口）',
  'note.fault.lbNoNodePort':
    'Service {service} 的负载均衡器：没有 nodePort（spec.allocateLoadBalancerNodePorts: false），' +
    '转发到 NodePort 的负载均衡器无处可发',
  'note.fault.lbNoHealthyLocal':
    '没有节点通过 Service {service} 的负载均衡器健康检查：没有节点上有就绪的端点（externalTrafficPolicy: Local）',
  'note.fault.lbNoHealthyLeftOut':
    '没有节点通过 Service {service} 的负载均衡器健康检查（externalTrafficPolicy: Local）：它的就绪端点只运行在' +
    '负载均衡器不会发往的节点上（{nodes}）',
  'note.fault.lbNoHealthy':
    '没有节点通过 Service {service} 的负载均衡器健康检查（{check}）：这个 Service 没有就绪的端点，' +
    '所以 kube-proxy 在每个节点上都拒绝它的 NodePort',
  'note.fault.podNotListening': 'Pod {pod} 没有监听端口 {port}（它监听的是 {listening}）；请检查 Service 的 targetPort',
  'note.fault.podListensNowhere': 'Pod {pod} 没有监听端口 {port}（它没有监听任何端口）；请检查 Service 的 targetPort',
  'note.fault.replyBypassed':
    '节点 {node} 把连接 DNAT 到 {endpoint}，却没有做 SNAT（MASQUERADE），所以后端直接应答 {client}：应答经由 {path} 返回，从未经过 {node}，而只有 {node} ' +
    '上的 conntrack 条目能撤销这次 DNAT（{entry}）。{client} 收到的 SYN-ACK 来自 {from} 而不是 {expected}，于是回复 RST，最终超时。修复办法：在这条路径上做 ' +
    'SNAT（MASQUERADE），让应答必须经过 {node} 返回；设置 externalTrafficPolicy: Cluster；或直接访问端点所在节点 {endpointNode} 的 NodePort',
  'note.fault.replyHairpin':
    '{client} 经由节点 {node} 的 DNAT 访问到了自己，而这条连接没有做 SNAT（MASQUERADE）：它的应答发往自己的地址，根本没有离开 Pod，也就从未经过 {node}，而只有 ' +
    '{node} 上的 conntrack 条目能撤销这次 DNAT（{entry}）。套接字收到的 SYN-ACK 来自 {from} 而不是 {expected}，于是回复 RST，最终超时。修复办法：对发夹流量做 ' +
    'SNAT（MASQUERADE）（kube-proxy 会给从端点发往它自己的包打上 SNAT 标记）',
  'note.fault.replyStray':
    '应答以 {from} 为源到达 {client}，但它连接的是 {expected}；返回路径（{path}）上没有任何节点有能改写它的 conntrack 条目，所以 {client} 的内核回复 RST，请求超时',
  'note.fault.replyLost': '发给 {client} 的应答被送到 {dst}（经由 {path}），那里没有这条连接：请求超时',
  'note.fault.replyInvalid':
    '发给 {client} 的 SYN-ACK（来自 {from}）经过节点 {node}，而 {node} 从未见过这条连接的第一个包：它的 conntrack 把应答判定为 ' +
    'INVALID，{rule} 把它丢弃，所以 {client} 收不到它，最终超时',
  'note.fault.replyInvalidBypassed':
    '节点 {dnatNode} 把连接 DNAT 到 {endpoint}，却没有做 SNAT（MASQUERADE），所以后端直接应答 {client}：来自 {from} 的 SYN-ACK 经由 ' +
    '{path} 返回，从未经过 {dnatNode}，而只有 {dnatNode} 上的 conntrack 条目能撤销这次 DNAT（{entry}）。节点 {node} 从未见过这条连接的第一个包，' +
    '所以它的 conntrack 把这个 SYN-ACK 判定为 INVALID，{rule} 把它丢弃：{client} 收不到它，最终超时。修复办法：在这条路径上做 SNAT（MASQUERADE），' +
    '让应答必须经过 {dnatNode} 返回；设置 externalTrafficPolicy: Cluster；或直接访问端点所在节点 {endpointNode} 的 NodePort',
  'note.request.from':
    '--from 必须写成 “external[:<客户端名或 IP>]”、“pod:<命名空间>/<名称>” 或 “node:<节点名>”，而这里写的是 {text}',
  'note.request.connect':
    '--connect 必须写成 “ingress[:<类名>]”、“gateway:<命名空间>/<名称>[:<端口>]”、“node:<节点名>” 或 “<IP>:<端口>”，' +
    '而这里写的是 {text}',
  'note.request.url': '无法解析 URL {url}：应写成 http://主机[:端口]/路径',
  'note.request.port': 'URL {url} 中的端口 {port} 超出了 0-65535 的范围',
  'note.request.portNumber': 'URL {url} 中的端口 {port} 不是数字',
  'note.request.scheme': 'URL {url} 中的协议 {scheme} 不受支持：只能是 http:// 或 https://',
  'note.request.host': 'URL {url} 中的主机 {host} 既不是合法的主机名，也不是 IPv4 地址',
  'note.request.ipv6': 'URL {url} 中的主机 {host} 是 IPv6 地址：本实验只模拟 IPv4',
  'note.caveat.policyIngress':
    'NetworkPolicy {policy} 针对入站流量（Ingress）选中了 Pod {pod}，而本实验不执行 NetworkPolicy：在网络插件会执行它的' +
    '集群上（如 Calico、Cilium），只有选中该 Pod 的某个策略有规则允许，这个连接才能进入',
  'note.caveat.policyEgress':
    'NetworkPolicy {policy} 针对出站流量（Egress）选中了 Pod {pod}，而本实验不执行 NetworkPolicy：在网络插件会执行它的' +
    '集群上（如 Calico、Cilium），只有选中该 Pod 的某个策略有规则允许，这个连接（以及它之前的 DNS 查询）才能发出',
};

/**
 * A text another layer words from its own table, rendered there in each language (the loader's
 * problems, src/scenario/problem-text.ts, which src/sim may not import): shown in the reader's.
 */
export type InEachLanguage = Readonly<Record<'en' | 'zh', string>>;

/** A note's parameter: a value, a list (of names) that reads as a list in each language, or a text in each. */
export type NoteParam = string | number | readonly string[] | InEachLanguage;

/** One step an evaluator reports, rendered by the reader's language table. */
export interface Note {
  key: NoteKey;
  params: Record<string, NoteParam>;
}

export const note = (key: NoteKey, params: Record<string, NoteParam>): Note => ({ key, params });

/** A list as a hop's or a fault's parameter, joined as each language joins one ("a, b" / "a、b"). */
export const listed = (items: readonly string[]): Note => note('note.list', { items });

const fill = (lang: 'en' | 'zh', text: string, params: Record<string, NoteParam>) =>
  text.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) return `{${k}}`;
    if (typeof v !== 'object') return String(v);
    return 'en' in v ? v[lang] : joinList(lang, v);
  });

export function renderNote(lang: 'en' | 'zh', n: Note): string {
  const table: Record<string, string> = lang === 'zh' ? noteMessagesZh : noteMessagesEn;
  return fill(lang, table[n.key] ?? noteMessagesEn[n.key] ?? n.key, n.params);
}

/** A note whose named parameters are notes themselves, rendered in the same language. */
export function renderNoteWith(lang: 'en' | 'zh', n: Note, parts?: Record<string, readonly Note[]>): string {
  const params = { ...n.params };
  for (const [k, notes] of Object.entries(parts ?? {})) if (notes.length > 0) params[k] = renderNotes(lang, notes);
  return renderNote(lang, { key: n.key, params });
}

/** Notes joined as one clause: "a; b" in English, "a；b" in Chinese. */
export function renderNotes(lang: 'en' | 'zh', notes: readonly Note[]): string {
  return notes.map((n) => renderNote(lang, n)).join(lang === 'zh' ? '；' : '; ');
}

/** An artifact's title that is words: its English text and the note the page renders in its language. */
export function titled(key: NoteKey, params: Record<string, NoteParam> = {}): { title: string; titleNote: Note } {
  const titleNote = note(key, params);
  return { title: renderNote('en', titleNote), titleNote };
}
