// The annotations the lab's ingress controllers honour, each documenting itself (as ingress-nginx's
// annotation parsers do): the UI lists them with their type, default and whether changing one
// makes ingress-nginx reload nginx. Facts from ingress-nginx docs/user-guide/nginx-configuration/
// annotations.md [NGX-ANN] and Traefik's Kubernetes Ingress provider docs.

export const NGINX_PREFIX = 'nginx.ingress.kubernetes.io/';
export const TRAEFIK_ROUTER_PREFIX = 'traefik.ingress.kubernetes.io/router.';

export type AnnotationType = 'bool' | 'string' | 'int' | 'cidr-list' | 'enum' | 'uri' | 'list';

export interface AnnotationDoc {
  /** The full annotation key as written on the Ingress. */
  name: string;
  controller: 'nginx' | 'traefik';
  type: AnnotationType;
  /** Allowed values for enums. */
  values?: readonly string[];
  /** The value the controller assumes when the annotation is absent ('' when there is none). */
  default: string;
  /** Where it applies: one location (path), the whole server (host), or the Ingress's routers. */
  scope: 'location' | 'server' | 'router';
  /** Whether a change needs an nginx reload (false: applied through the Lua balancer; Traefik never reloads). */
  needsReload: boolean;
  doc: { en: string; zh: string };
}

/** What each annotation's entry writes itself; the controller helpers fill in the rest. */
type AnnotationFields = Omit<AnnotationDoc, 'name' | 'controller' | 'needsReload' | 'scope'>;

const nginx = (
  key: string,
  d: AnnotationFields & Partial<Pick<AnnotationDoc, 'needsReload' | 'scope'>>,
): AnnotationDoc => ({ name: NGINX_PREFIX + key, controller: 'nginx', scope: 'location', needsReload: true, ...d });

const traefik = (key: string, d: AnnotationFields): AnnotationDoc => ({

  name: TRAEFIK_ROUTER_PREFIX + key,
  controller: 'traefik',
  scope: 'router',
  needsReload: false,
  ...d,
});

export const ANNOTATIONS: readonly AnnotationDoc[] = [
  nginx('ssl-redirect', {
    type: 'bool',
    default: 'true',
    doc: {
      en: 'When the host has a TLS certificate, plain-HTTP requests get a 308 redirect to https. Set "false" to '
        + 'serve HTTP too.',
      zh: '主机配置了 TLS 证书时，HTTP 请求被 308 重定向到 https。设为 "false" 则继续提供 HTTP。',
    },
  }),
  nginx('force-ssl-redirect', {
    type: 'bool',
    default: 'false',
    doc: {
      en: 'Redirect plain-HTTP requests to https with 308 even when the host has no certificate (e.g. TLS ends at an '
        + 'outer load balancer).',
      zh: '即使主机没有证书也把 HTTP 请求 308 重定向到 https（例如 TLS 在外层负载均衡器终止）。',
    },
  }),
  nginx('rewrite-target', {
    type: 'uri',
    default: '',
    doc: {
      en: 'Replace the request URI before proxying. The path becomes a regex; with use-regex, capture groups such as '
        + '/$2 keep part of the path.',
      zh: '转发前改写请求 URI。路径变为正则；配合 use-regex 可用 /$2 等捕获组保留部分路径。',
    },
  }),
  nginx('use-regex', {
    type: 'bool',
    default: 'false',
    doc: {
      en: 'Treat the paths of this Ingress as case-insensitive regular expressions (location ~* "^path").',
      zh: '把该 Ingress 的路径当作不区分大小写的正则表达式（location ~* "^path"）。',
    },
  }),
  nginx('app-root', {
    type: 'uri',
    default: '',
    scope: 'server',
    doc: {
      en: 'Redirect requests for "/" to this path with 302 (e.g. /app1).',
      zh: '把对 "/" 的请求 302 重定向到该路径（例如 /app1）。',
    },
  }),
  nginx('affinity', {
    needsReload: false,
    type: 'enum',
    values: ['cookie'],
    default: '',
    doc: {
      en: 'Sticky sessions: the balancer sets a cookie (INGRESSCOOKIE by default) naming the chosen pod and sends '
        + 'later requests with it to the same pod.',
      zh: '会话保持：负载均衡器设置一个 cookie（默认 INGRESSCOOKIE）记录选中的 Pod，之后带该 cookie 的请求发往同一个 Pod。',
    },
  }),
  nginx('affinity-mode', {
    needsReload: false,
    type: 'enum',
    values: ['balanced', 'persistent'],
    default: 'balanced',
    doc: {
      en: '"balanced" may move sessions when pods are added (to rebalance); "persistent" keeps every session on its '
        + 'pod.',
      zh: '"balanced" 在扩容时可能迁移会话以重新均衡；"persistent" 始终把会话留在原 Pod。',
    },
  }),
  nginx('session-cookie-name', {
    needsReload: false,
    type: 'string',
    default: 'INGRESSCOOKIE',
    doc: { en: 'Name of the affinity cookie.', zh: '会话保持 cookie 的名字。' },
  }),
  nginx('session-cookie-path', {
    needsReload: false,
    type: 'string',
    default: '',
    doc: {
      en: 'Path attribute of the affinity cookie (defaults to the location path).',
      zh: '会话保持 cookie 的 Path 属性（默认为 location 路径）。',
    },
  }),
  nginx('canary', {
    type: 'bool',
    default: 'false',
    needsReload: false,
    doc: {
      en: 'This Ingress is a canary: its backend receives part of the traffic of the main Ingress with the same host '
        + 'and path.',
      zh: '该 Ingress 是金丝雀：其后端分得同主机同路径主 Ingress 的一部分流量。',
    },
  }),
  nginx('canary-by-header', {
    type: 'string',
    default: '',
    needsReload: false,
    doc: {
      en: 'Header that forces the canary: value "always" sends to the canary, "never" never does. Checked first.',
      zh: '强制走金丝雀的请求头：值为 "always" 走金丝雀，"never" 不走。最先判断。',
    },
  }),
  nginx('canary-by-header-value', {
    type: 'string',
    default: '',
    needsReload: false,
    doc: { en: 'Exact header value that selects the canary (instead of "always").', zh: '选中金丝雀的精确请求头取值（代替 "always"）。' },
  }),
  nginx('canary-by-cookie', {
    type: 'string',
    default: '',
    needsReload: false,
    doc: {
      en: 'Cookie that forces the canary: "always" or "never". Checked after the header, before the weight.',
      zh: '强制走金丝雀的 cookie："always" 或 "never"。在请求头之后、权重之前判断。',
    },
  }),
  nginx('canary-weight', {
    type: 'int',
    default: '0',
    needsReload: false,
    doc: {
      en: 'Share of the remaining requests sent to the canary, out of canary-weight-total.',
      zh: '其余请求中发往金丝雀的份额（总数为 canary-weight-total）。',
    },
  }),
  nginx('canary-weight-total', {
    type: 'int',
    default: '100',
    needsReload: false,
    doc: { en: 'Total the canary weight is counted against.', zh: '金丝雀权重的基数。' },
  }),
  nginx('service-upstream', {
    type: 'bool',
    default: 'false',
    doc: {
      en: 'Proxy to the Service\'s ClusterIP:port (kube-proxy balances) instead of the pod endpoints. Sticky '
        + 'sessions no longer apply.',
      zh: '转发到 Service 的 ClusterIP:端口（由 kube-proxy 负载均衡），而不是直接转发到 Pod 端点。会话保持随之失效。',
    },
  }),
  nginx('whitelist-source-range', {
    type: 'cidr-list',
    default: '',
    doc: {
      en: 'Comma-separated CIDRs allowed to reach this Ingress; other clients get 403 (allow ...; deny all;).',
      zh: '允许访问该 Ingress 的 CIDR 列表（逗号分隔）；其他客户端得到 403（allow ...; deny all;）。',
    },
  }),
  nginx('load-balance', {
    type: 'enum',
    values: ['round_robin', 'ewma'],
    default: 'round_robin',
    needsReload: false,
    doc: {
      en: 'Balancing algorithm of the Lua balancer. The lab models ewma as round robin.',
      zh: 'Lua 负载均衡算法。实验室把 ewma 按轮询建模。',
    },
  }),
  traefik('entrypoints', {
    type: 'list',
    default: '',
    doc: {
      en: 'Entry points (listening ports) the routers of this Ingress attach to; by default all of them.',
      zh: '该 Ingress 的路由器挂在哪些入口点（监听端口）上；默认全部。',
    },
  }),
  traefik('tls', {
    type: 'bool',
    default: 'false',
    doc: { en: 'Routers of this Ingress terminate TLS.', zh: '该 Ingress 的路由器终止 TLS。' },
  }),
  traefik('priority', {
    type: 'int',
    default: '',
    doc: {
      en: 'Router priority; by default the length of the rule, so longer rules win.',
      zh: '路由器优先级；默认是规则的长度，规则越长越优先。',
    },
  }),
  traefik('pathmatcher', {
    type: 'enum',
    values: ['PathPrefix', 'Path'],
    default: 'PathPrefix',
    doc: {
      en: 'Matcher for paths that are not Exact. PathPrefix is a plain string prefix: /v1 also matches /v11.',
      zh: '非 Exact 路径使用的匹配器。PathPrefix 是纯字符串前缀：/v1 也匹配 /v11。',
    },
  }),
  traefik('middlewares', {
    type: 'list',
    default: '',
    doc: {
      en: 'Middlewares (namespace-name@kubernetescrd) applied to the routers. The lab lists them but does not run '
        + 'them.',
      zh: '应用到路由器的中间件（namespace-name@kubernetescrd）。实验室列出但不执行它们。',
    },
  }),
];

const BY_NAME: ReadonlyMap<string, AnnotationDoc> = new Map(ANNOTATIONS.map((a) => [a.name, a]));

export function annotationDoc(name: string): AnnotationDoc | undefined {
  return BY_NAME.get(name);
}

/** The value of an annotation, or its registry default. */
export function annotationValue(annotations: Readonly<Record<string, string>> | undefined, name: string): string {
  const v = annotations?.[name];
  if (v !== undefined) return v.trim();
  return BY_NAME.get(name)?.default ?? '';
}

export function annotationBool(annotations: Readonly<Record<string, string>> | undefined, name: string): boolean {
  return annotationValue(annotations, name).toLowerCase() === 'true';
}

export function annotationInt(annotations: Readonly<Record<string, string>> | undefined, name: string): number | null {
  const v = annotationValue(annotations, name);
  if (!/^-?\d+$/.test(v)) return null;
  return Number(v);
}

/** Whether a change of these annotations between two versions of an Ingress needs an nginx reload. */
export function annotationChangeNeedsReload(
  before: Readonly<Record<string, string>> | undefined,
  after: Readonly<Record<string, string>> | undefined,
): boolean {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const k of keys) {
    if (!k.startsWith(NGINX_PREFIX)) continue;
    if ((before ?? {})[k] === (after ?? {})[k]) continue;
    // Unknown annotations are treated as reload-worthy, as most ingress-nginx annotations are.
    if (BY_NAME.get(k)?.needsReload ?? true) return true;
  }
  return false;
}
