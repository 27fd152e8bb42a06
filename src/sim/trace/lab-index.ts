// What every walk over one lab reads again and again, derived from the lab once: its address index,
// each pod's facts (key, place, party, listening sockets, server), where its nodes route replies,
// the URLs already parsed. The walk carries it (Walk.index): a single trace makes its own, a batch
// run (distribution.ts) makes one for all its requests, the way the netfilter walker compiles a
// ruleset once (RulesetIndex). Nothing is kept between labs: it lives as long as the walk or batch.

import type { Pod } from '../api/types';
import { podListeningPorts, type ListeningPort } from '../controllers/podstate';
import { isEchoBasic } from '../gateway/echo';
import { networkOf, type PodNetwork } from '../node/routes';
import { buildNetworkIndex, podIP, type NetworkIndex } from './network';
import type { LabPorts } from './ports';
import { ReplyRoutes, type Party } from './reply';
import { parseUrl, urlAuthority, type ParsedUrl, type RequestSyntaxError } from './request';
import type { HopPlace } from './types';

/** A pod's facts as the walk reads them. Shared by every hop the walk records: never changed. */
export class PodFacts {
  /** "namespace/name". */
  readonly key: string;
  readonly place: HopPlace;
  private partyOf?: Party;
  private listeningOf?: readonly ListeningPort[];
  private echoesOf?: boolean;

  constructor(readonly pod: Pod) {
    this.key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
    this.place = { kind: 'pod', id: `pod:${this.key}`, pod: this.key, node: pod.spec.nodeName ?? '' };
  }

  /** Who answers or opens a connection in the pod: its own namespace, or its node's (hostNetwork). */
  get party(): Party {
    return (this.partyOf ??= partyAt(this.pod, this.key, this.place));
  }

  /** The ports the pod's containers listen on. */
  get listening(): readonly ListeningPort[] {
    return (this.listeningOf ??= podListeningPorts(this.pod));
  }

  /** Whether the pod runs the Gateway API conformance echo server (it answers with what it got). */
  get echoes(): boolean {
    return (this.echoesOf ??= isEchoBasic(this.pod));
  }
}

/** The party of `pod` (key "namespace/name") seen at `place`. */
export function partyAt(pod: Pod, key: string, place: HopPlace): Party {
  const node = pod.spec.nodeName ?? '';
  if (pod.spec.hostNetwork) return { kind: 'host', place, node };
  return { kind: 'pod', place, pod: key, ip: podIP(pod) ?? '', node };
}

type Parsed = Readonly<ParsedUrl> | Readonly<RequestSyntaxError>;

/** A URL parsed, and its authority as written. */
interface UrlFacts {
  parsed: Parsed;
  authority: string | undefined;
}

export class TraceIndex {
  /** Who answers an address (network.ts). */
  readonly net: NetworkIndex;
  /** Where the nodes route replies, for walks that record nothing (reply.ts). */
  readonly replyRoutes = new ReplyRoutes();
  /** What the userspace proxy and IPVS health see: an endpoint answers when something listens there. */
  readonly endpointAlive: (e: { ip: string; port: number }) => boolean;
  private readonly pods = new Map<Pod, PodFacts>();
  private podNet: PodNetwork | undefined;
  private readonly urls = new Map<string, UrlFacts>();
  /** The pod name last asked about (a batch run's one sender, asked for on every request). */
  private lastNamed: { key: string; facts: PodFacts | null } | null = null;
  /** The URL last asked about (a batch run asks about its one URL twice per request). */
  private lastUrl: { text: string; facts: UrlFacts } | null = null;

  constructor(readonly lab: LabPorts) {
    this.net = buildNetworkIndex(lab.cluster, lab.clients);
    this.endpointAlive = (e) => this.listensAt(e.ip, e.port);
  }

  /** The lab's pod network (the lab's own record's; a fresh one for a lab made without it). */
  get podNetwork(): PodNetwork {
    return (this.podNet ??= networkOf(this.lab));
  }

  /** The pod's facts, made when a walk first meets the pod. */
  pod(p: Pod): PodFacts {
    let f = this.pods.get(p);
    if (!f) this.pods.set(p, (f = new PodFacts(p)));
    return f;
  }

  /** The pod a request names ("ns/name", or a workload's "ns/web": network.ts podByKey), with its
   *  facts. The request's name is usually another string than the index's own key, compared
   *  character by character in a map lookup: the last one asked is kept beside the map. */
  podNamed(key: string): PodFacts | null {
    const last = this.lastNamed;
    if (last !== null && last.key === key) return last.facts;
    const pod = this.net.podByKey(key);
    const facts = pod ? this.pod(pod) : null;
    this.lastNamed = { key, facts };
    return facts;
  }

  /** The URL parsed (frozen: every request of a batch shares it), or why it does not parse. */
  url(text: string): Parsed {
    return this.urlOf(text).parsed;
  }

  /** The URL's authority as written (host and any port), what a Host header would carry. */
  authority(text: string): string | undefined {
    return this.urlOf(text).authority;
  }

  private urlOf(text: string): UrlFacts {
    const last = this.lastUrl;
    if (last !== null && last.text === text) return last.facts;
    let u = this.urls.get(text);
    if (!u) {
      if (this.urls.size > 1000) this.urls.clear();
      this.urls.set(text, (u = { parsed: Object.freeze(parseUrl(text)), authority: urlAuthority(text) }));
    }
    this.lastUrl = { text, facts: u };
    return u;
  }

  private listensAt(ip: string, port: number): boolean {
    const owner = this.net.owner(ip);
    if (owner.kind !== 'pod') return owner.kind === 'node';
    return this.pod(owner.pod).listening.some((l) => l.port === port);
  }
}
