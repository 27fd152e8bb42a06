// The data model of cluster DNS: resource records as CoreDNS would put them on the wire, the zone
// it serves from the apiserver's objects, the answers it gives, and the resolv.conf a pod gets.
// Names are always lower-case, absolute (trailing dot) FQDNs inside these structures.

export type RRType = 'A' | 'AAAA' | 'CNAME' | 'SRV' | 'PTR' | 'TXT' | 'SOA' | 'NS';
export const RR_TYPES: readonly RRType[] = ['A', 'AAAA', 'CNAME', 'SRV', 'PTR', 'TXT', 'SOA', 'NS'];

/** Which Kubernetes object (or CoreDNS itself) a record comes from, for the inspector. */
export type RecordSource =
  | { kind: 'Service'; namespace: string; name: string }
  | { kind: 'Endpoint'; namespace: string; service: string; address: string; pod?: string }
  | { kind: 'Pod'; namespace: string; name?: string }
  | { kind: 'CoreDNS' }
  | { kind: 'Upstream' }
  | { kind: 'Hosts' };

interface RRBase {
  /** Stable structural id: the `ref` of the zone line that renders it. */
  id: string;
  /** Owner name: lower-case FQDN with the trailing dot. */
  name: string;
  ttl: number;
  source: RecordSource;
}

export type RR = RRBase &
  (
    | { type: 'A'; address: string }
    | { type: 'AAAA'; address: string }
    | { type: 'CNAME'; target: string }
    | { type: 'SRV'; priority: number; weight: number; port: number; target: string }
    | { type: 'PTR'; target: string }
    | { type: 'TXT'; text: string }
    | { type: 'NS'; target: string }
    | {
        type: 'SOA';
        mname: string;
        rname: string;
        serial: number;
        refresh: number;
        retry: number;
        expire: number;
        minimum: number;
      }
  );

export type DnsProblem =
  | { kind: 'cname-loop'; chain: string[]; message: string }
  | { kind: 'service-without-cluster-ip'; namespace: string; name: string; message: string }
  | { kind: 'external-name-is-ip'; namespace: string; name: string; message: string }
  | { kind: 'server-unreachable'; server: string; message: string };

/** What CoreDNS serves: every record it can answer from the cluster's objects, plus the lab's
 * upstream table for names outside the cluster domain. */
export interface Zone {
  /** "cluster.local." */
  origin: string;
  /** The kube-dns Service's ClusterIP: the `nameserver` of ClusterFirst pods. */
  dnsServiceIP: string;
  /** What a pod with dnsPolicy Default gets: the node's own resolver (outside the cluster). */
  nodeNameserver: string;
  /** Pod and Service CIDRs: a nameserver there that is not kube-dns does not answer. */
  clusterCIDRs: string[];
  /** False when the kube-dns Service exists but has no ready endpoint: queries time out. */
  serverUp: boolean;
  serial: number;
  ttl: number;
  /** Records, in the order the zone listing shows them. */
  records: RR[];
  /** Namespaces that exist: decide NXDOMAIN against NODATA and gate `pods insecure` answers. */
  namespaces: string[];
  /** Upstream records (the lab's "internet" DNS): lower-case FQDN to record. */
  upstream: RR[];
  problems: DnsProblem[];
  /** Services that exist but publish no record (headless with no ready endpoint, ExternalName to
   * an address): the zone listing shows why their name is NXDOMAIN. */
  unpublished: UnpublishedName[];
}

export interface UnpublishedName {
  id: string;
  /** The FQDN that answers NXDOMAIN. */
  name: string;
  namespace: string;
  service: string;
  reason: string;
}

export interface DnsQuestion {
  name: string;
  type: RRType;
}

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL';

/** Who produced an answer: CoreDNS from the cluster zone (authoritative), CoreDNS forwarding to
 * the upstream resolver, the node's resolver directly, or the client's /etc/hosts. */
export type AnswerOrigin = 'cluster' | 'upstream' | 'hosts' | 'timeout';

export interface DnsAnswer {
  question: DnsQuestion;
  rcode: Rcode;
  /** The `aa` flag: CoreDNS is authoritative for the cluster domain. */
  authoritative: boolean;
  /** The `ra` flag. */
  recursionAvailable: boolean;
  origin: AnswerOrigin;
  answers: RR[];
  authority: RR[];
  additional: RR[];
  /** Ids of the zone records (or rules such as "pods-insecure") that decided the answer. */
  ref?: string[];
  problem?: DnsProblem;
}

export interface DnsOption {
  name: string;
  value?: string;
}

export type DnsPolicy = 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None';

/** The /etc/resolv.conf the kubelet writes into a pod (or the node's own). */
export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: DnsOption[];
  /** The effective ndots (options ndots:n, else the resolver's default of 1). */
  ndots: number;
  /** The dnsPolicy as written (defaulted to ClusterFirst), and what the kubelet applied. */
  policy: DnsPolicy;
  effective: 'cluster' | 'node' | 'none';
  /** Kubelet warnings, e.g. too many nameservers. */
  notes: string[];
}

export interface SentQuery {
  name: string;
  type: RRType;
  server: string;
  rcode: Rcode | 'TIMEOUT';
  answers: number;
}

export interface ResolveResult {
  /** The name as the program asked for it. */
  asked: string;
  final: DnsAnswer;
  queriesSent: SentQuery[];
  server: string;
}
