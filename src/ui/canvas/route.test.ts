import { describe, expect, it } from 'vitest';
import ELK from 'elkjs/lib/elk.bundled.js';
import type { EndpointSlice, Hop } from '../../sim';
import { clusterFixture, pod, service } from '../../state/fixtures/scenario';
import { PRESENTER_MIN_ZOOM, presenterView } from './camera';
import { layoutTopology, nameLines, type Box } from './layout';
import { buildRoute, numberBox, placesOf, routeBounds, routeFor, stopPillSize } from './route';
import { buildTopology } from './topology';

const elk = new ELK();

function cluster() {
  const c = clusterFixture();
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [
      { addresses: ['10.244.0.5'], targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1' } },
      { addresses: ['10.244.1.7'], targetRef: { kind: 'Pod', namespace: 'default', name: 'web-2' } },
    ],
  };
  c.endpointSlices.push(slice);
  return c;
}

async function laidOut() {
  const topo = buildTopology(cluster(), [{ name: 'laptop', address: '203.0.113.10' }]);
  const layout = await layoutTopology(topo, elk);
  return { topo, layout, places: placesOf(topo, layout) };
}

const pkt = { protocol: 'TCP' as const, src: '203.0.113.10', srcPort: 40000, dst: '192.168.49.2', dstPort: 30080 };
function hop(index: number, placeId: string, edge?: { from: string; to: string }): Hop {
  const place = { kind: 'node' as const, id: placeId, node: placeId.slice(5) };
  const explanation = { key: 'k', params: {} };
  return { index, place, action: 'route', before: pkt, after: pkt, changed: [], refs: [], explanation, edge };
}

/** client -> node-a (NodePort), DNAT in place, node-a -> node-b, node-b -> web-2, web-2 answers. */
const nodePortHops = (): Hop[] => [
  hop(0, 'client:laptop', { from: 'client:laptop', to: 'node:node-a' }),
  hop(1, 'node:node-a'),
  hop(2, 'node:node-a', { from: 'node:node-a', to: 'node:node-b' }),
  hop(3, 'pod:default/web-2', { from: 'node:node-b', to: 'pod:default/web-2' }),
  hop(4, 'pod:default/web-2'),
];

const overlaps = (p: { x: number; y: number }, b: Box, r: number) =>
  p.x + r > b.x && p.x - r < b.x + b.w && p.y + r > b.y && p.y - r < b.y + b.h;

describe('route', () => {
  it('draws one segment per hop that travels an edge and one stop per place deciding in place', async () => {
    const { places } = await laidOut();
    const r = buildRoute(nodePortHops(), places);
    expect(r.segments.map((s) => [s.hop, s.from, s.to])).toEqual([
      [0, 'client:laptop', 'node:node-a'],
      [2, 'node:node-a', 'node:node-b'],
      [3, 'node:node-b', 'pod:default/web-2'],
    ]);
    expect(r.stops.map((s) => [s.id, s.hops])).toEqual([
      ['node:node-a', [1]],
      ['pod:default/web-2', [4]],
    ]);
    expect([...r.ids].sort()).toEqual(['client:laptop', 'node:node-a', 'node:node-b', 'pod:default/web-2']);
    expect(r.unplaced).toEqual([]);
  });

  it('runs border to border, pointing from the source to the target', async () => {
    const { layout, places } = await laidOut();
    const [toNode, between] = buildRoute(nodePortHops(), places).segments;
    const laptop = layout.boxes['client:laptop']!;
    const a = layout.boxes['node:node-a']!;
    const b = layout.boxes['node:node-b']!;
    // Leaves the laptop at its bottom and stops just short of node-a's top edge (the arrowhead).
    expect(toNode!.a.y).toBeGreaterThanOrEqual(laptop.y + laptop.h);
    expect(toNode!.b.y).toBeLessThan(a.y);
    expect(toNode!.b.y).toBeGreaterThan(a.y - 10);
    // node-a -> node-b: in the gap between the two frames, left to right.
    expect(between!.a.x).toBeGreaterThanOrEqual(a.x + a.w);
    expect(between!.b.x).toBeLessThanOrEqual(b.x);
    expect(between!.b.x).toBeGreaterThan(between!.a.x);
  });

  it('puts a number where it hides no other object (the Services row a client -> node line crosses)', async () => {
    const { layout, places } = await laidOut();
    const r = buildRoute(nodePortHops(), places);
    const svc = layout.boxes['service:default/web']!;
    for (const s of r.segments) expect(overlaps(s.badge, svc, 16)).toBe(false);
  });

  it('draws there-and-back segments side by side, with their numbers apart', async () => {
    const { places } = await laidOut();
    const there = hop(0, 'node:node-a', { from: 'node:node-a', to: 'node:node-b' });
    const returns = hop(1, 'node:node-b', { from: 'node:node-b', to: 'node:node-a' });
    const r = buildRoute([there, returns], places);
    const [go, back] = r.segments;
    expect(Math.abs(go!.a.y - back!.b.y)).toBeGreaterThanOrEqual(10);
    expect(Math.hypot(go!.badge.x - back!.badge.x, go!.badge.y - back!.badge.y)).toBeGreaterThanOrEqual(32);
  });

  const dnsTitle =
    'draws a cluster DNS lookup at the Service with that cluster IP, a place outside the lab beside its client';
  it(dnsTitle, async () => {
    const { layout, places } = await laidOut();
    const r = buildRoute(
      [
        hop(0, 'dns:10.96.0.10', { from: 'client:laptop', to: 'dns:10.96.0.10' }),
        hop(1, 'dns:upstream', { from: 'client:laptop', to: 'dns:upstream' }),
        hop(2, 'dns:elsewhere', { from: 'client:nobody', to: 'dns:elsewhere' }),
      ],
      places,
    );
    expect(r.segments.map((s) => s.to)).toEqual(['service:default/web', 'dns:upstream']);
    const laptop = layout.boxes['client:laptop']!;
    expect(r.ghosts.map((g) => g.id)).toEqual(['dns:upstream']);
    expect(r.ghosts[0]!.box.y + r.ghosts[0]!.box.h).toBeLessThan(laptop.y);
    // Neither end drawn: reported, not silently dropped.
    expect(r.unplaced).toEqual([2]);
    // Zoomed out (the label drawn at twice the canvas size), its box and its gap grow with it, so the
    // label stays clear of the client it is reached from.
    const g1 = r.ghosts[0]!.box;
    const up = hop(1, 'dns:upstream', { from: 'client:laptop', to: 'dns:upstream' });
    const g2 = buildRoute([up], places, 2).ghosts[0]!.box;
    expect([g2.w, g2.h]).toEqual([g1.w * 2, g1.h * 2]);
    expect(laptop.y - (g2.y + g2.h)).toBe(2 * (laptop.y - (g1.y + g1.h)));
  });

  it('keeps every number and pill clear of every other at every zoom, pills off their place\'s name', async () => {
    const { places } = await laidOut();
    const reply = (h: Hop): Hop => ({ ...h, direction: 'reply' });
    // There and back, with stops at both nodes and at the pod: numbers that all want the same few places.
    const hops = [
      ...nodePortHops(),
      reply(hop(5, 'pod:default/web-2', { from: 'pod:default/web-2', to: 'node:node-b' })),
      reply(hop(6, 'node:node-b')),
      reply(hop(7, 'node:node-b', { from: 'node:node-b', to: 'node:node-a' })),
      reply(hop(8, 'node:node-a')),
      reply(hop(9, 'node:node-a', { from: 'node:node-a', to: 'client:laptop' })),
      reply(hop(10, 'client:laptop')),
    ];
    // Zoom 1 down to 1/4 (a large cluster fitted on a small screen): numbers keep their screen size.
    for (const scale of [1, 1.5, 2, 2.5, 3, 4]) {
      const r = buildRoute(hops, places, scale);
      const labels: Box[] = [
        ...r.stops.map((st) => {
          const { w, h } = stopPillSize(st.numbers);
          return { x: st.centre.x - (w * scale) / 2, y: st.centre.y - (h * scale) / 2, w: w * scale, h: h * scale };
        }),
        // A number shared with a neighbouring hop's ("2 · 3") is drawn once, on the first of them.
        ...r.segments.flatMap((s) => numberBox(s, scale) ?? []),
      ];
      // Every hop's number is shown exactly once: in its own badge, a shared pill or a stop's pill.
      const shown = [...r.stops.flatMap((st) => st.numbers), ...r.segments.flatMap((s) => s.numbers)];
      expect(shown.sort((a, b) => a - b), `scale ${scale}`).toEqual(hops.map((h) => h.index));
      for (let i = 0; i < labels.length; i++) {
        for (let j = i + 1; j < labels.length; j++) {
          const [a, b] = [labels[i]!, labels[j]!];
          const hit = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect(hit, `scale ${scale}: labels ${i} and ${j}`).toBe(false);
        }
      }
      // A pill keeps off its place's text: above its top border or beside it, or on a node frame's
      // background below the header; never on the border, where zoomed out (1280x720 with Rules
      // open) it sat on the box and on the kind tag under it.
      for (const [i, st] of r.stops.entries()) {
        const text = places.texts.find((t) => t.id === st.id)!;
        const pill = labels[i]!;
        const into = Math.min(pill.y + pill.h, text.y + text.h) - Math.max(pill.y, text.y);
        const across = Math.min(pill.x + pill.w, text.x + text.w) - Math.max(pill.x, text.x);
        if (across > 0) expect(into, `scale ${scale}: ${st.id}`).toBeLessThanOrEqual(0);
      }
    }
  });

  it('keeps numbers off the names of the places a hop joins: the client, each pod of a frame it enters', async () => {
    // A second pod in node-b that the route never reaches: a number inside the frame must not hide it either.
    const c = cluster();
    c.pods.push(pod('coredns-1', 'node-b', '10.244.1.2'));
    const topo = buildTopology(c, [{ name: 'laptop', address: '203.0.113.10' }]);
    const layout = await layoutTopology(topo, elk);
    const places = placesOf(topo, layout);
    const reply = (h: Hop): Hop => ({ ...h, direction: 'reply' });
    const hops = [
      ...nodePortHops(),
      reply(hop(5, 'pod:default/web-2', { from: 'pod:default/web-2', to: 'node:node-b' })),
      reply(hop(6, 'node:node-b', { from: 'node:node-b', to: 'node:node-a' })),
      reply(hop(7, 'node:node-a', { from: 'node:node-a', to: 'client:laptop' })),
    ];
    const ids = ['client:laptop', 'pod:default/web-2', 'pod:default/coredns-1'];
    const names = ids.map((id) => ({ id, box: places.rect(id)! }));
    for (const scale of [1, 1.5, 2, 2.5, 3, 4]) {
      const r = buildRoute(hops, places, scale);
      // A number shown in a stop's pill sits where the pill does (the test above keeps pills off names).
      for (const s of r.segments.filter((x) => x.numbers.length > 0)) {
        for (const n of names) {
          expect(overlaps(s.badge, n.box, 20 * scale), `scale ${scale}: hop ${s.hop + 1} over ${n.id}`).toBe(false);
        }
      }
    }
  });

  it('keeps the current hop\'s number in view when the view has room for one number only', async () => {
    // Presenter mode's camera on a short canvas: the view shows the laptop -> node-a line's middle,
    // room for one label. In hop order node-a's pill (a stop, placed first) takes it and hop 1's
    // number goes out of view; with hop 1 current, its number is placed first and is in view.
    const { topo, layout } = await laidOut();
    const hops = [hop(0, 'client:laptop', { from: 'client:laptop', to: 'node:node-a' }), hop(1, 'node:node-a')];
    const area = { x: 145, y: 118, w: 54, h: 54 };
    const visible = { area, holes: [], canvas: { x: 140, y: 113, w: 64, h: 64 } };
    const inArea = (b: Box) => b.x >= area.x && b.y >= area.y && b.x + b.w <= area.x + area.w && b.y + b.h <= area.y + area.h;
    const pill = (st: { centre: { x: number; y: number }; numbers: number[] }) => {
      const { w, h } = stopPillSize(st.numbers);
      return { x: st.centre.x - w / 2, y: st.centre.y - h / 2, w, h };
    };
    const byOrder = routeFor(hops, topo, layout, 1, false, visible);
    expect(inArea(pill(byOrder.stops[0]!))).toBe(true);
    expect(inArea(numberBox(byOrder.segments[0]!, 1)!)).toBe(false);
    const first = routeFor(hops, topo, layout, 1, false, visible, 0);
    expect(inArea(numberBox(first.segments[0]!, 1)!)).toBe(true);
    // Whole: not cut by the canvas's edge either, and the pill that lost its spot is out of view.
    expect(inArea(pill(first.stops[0]!))).toBe(false);
    // Its number in view in hop order, the current hop leaves every number where it was.
    expect(routeFor(hops, topo, layout, 1, false, visible, 1)).toBe(byOrder);
  });

  it('shows at most 3 numbers in a pill: a stop gets one pill per run of hops, a long run several', async () => {
    const { places } = await laidOut();
    const reply = (h: Hop): Hop => ({ ...h, direction: 'reply' });
    // node-a decides five hops in a row on the way in (1-5) and two on the way back (8, 9).
    const hops = [
      hop(0, 'client:laptop', { from: 'client:laptop', to: 'node:node-a' }),
      ...[1, 2, 3, 4, 5].map((i) => hop(i, 'node:node-a')),
      hop(6, 'node:node-a', { from: 'node:node-a', to: 'client:laptop' }),
      reply(hop(7, 'client:laptop', { from: 'client:laptop', to: 'node:node-a' })),
      reply(hop(8, 'node:node-a')),
      reply(hop(9, 'node:node-a')),
    ];
    for (const scale of [1, 2, 4]) {
      const r = buildRoute(hops, places, scale);
      const own = r.stops.filter((st) => st.id === 'node:node-a').map((st) => st.hops);
      expect(own, `scale ${scale}`).toEqual([[1, 2, 3], [4, 5], [8, 9]]);
      for (const label of [...r.stops, ...r.segments]) expect(label.numbers.length).toBeLessThanOrEqual(3);
      const shown = [...r.stops.flatMap((st) => st.numbers), ...r.segments.flatMap((x) => x.numbers)];
      expect(shown.sort((a, b) => a - b), `scale ${scale}`).toEqual(hops.map((h) => h.index));
    }
  });

  it('bounds the route by frames\' headers, not their whole height', async () => {
    const { layout, places } = await laidOut();
    const r = buildRoute(nodePortHops().slice(0, 2), places);
    const b = routeBounds(r, places)!;
    const a = layout.boxes['node:node-a']!;
    expect(b.y).toBe(layout.boxes['client:laptop']!.y);
    expect(b.y + b.h).toBeLessThan(a.y + a.h);
  });
});

describe('presenter camera', () => {
  const area = { x: 0, y: 0, w: 900, h: 500 };
  it('frames the whole route when it fits at a readable zoom', () => {
    const { view, follows } = presenterView({ x: 100, y: 50, w: 500, h: 400 }, null, area);
    expect(follows).toBe(false);
    expect(view.zoom).toBeGreaterThanOrEqual(PRESENTER_MIN_ZOOM);
    // The route's top left and bottom right land inside the area.
    expect(100 * view.zoom + view.x).toBeGreaterThanOrEqual(0);
    expect((50 + 400) * view.zoom + view.y).toBeLessThanOrEqual(500);
  });

  it('never zooms below the readable zoom: it follows the current hop instead', () => {
    const current = { x: 1500, y: 600, w: 200, h: 100 };
    const { view, follows } = presenterView({ x: 0, y: 0, w: 2400, h: 900 }, current, area);
    expect(follows).toBe(true);
    expect(view.zoom).toBe(PRESENTER_MIN_ZOOM);
    const cx = (current.x + current.w / 2) * view.zoom + view.x;
    const cy = (current.y + current.h / 2) * view.zoom + view.y;
    expect(Math.abs(cx - 450)).toBeLessThan(1);
    expect(Math.abs(cy - 250)).toBeLessThan(1);
  });
});

describe('what the canvas draws for Services kube-proxy ignores', () => {
  it('draws a headless Service as DNS only and an ExternalName Service as a CNAME', () => {
    const c = cluster();
    const alias = { type: 'ExternalName' as const, externalName: 'db.data.svc.cluster.local', clusterIP: undefined };
    c.services.push(service('db-headless', { app: 'db' }, { clusterIP: 'None' }), service('alias', {}, alias));
    const t = buildTopology(c);
    const form = (name: string) => t.services.find((s) => s.name === name);
    expect(form('web')).toMatchObject({ form: 'rules', externalName: null });
    expect(form('db-headless')).toMatchObject({ form: 'dns' });
    expect(form('alias')).toMatchObject({ form: 'cname', externalName: 'db.data.svc.cluster.local' });
  });

  it('draws the load balancer of a LoadBalancer Service still <pending>', () => {
    const c = cluster();
    c.services.push(service('shop', { app: 'shop' }, { type: 'LoadBalancer' }));
    const lb = { id: 'lb:default/shop', address: null, service: 'default/shop', serviceId: 'service:default/shop' };
    expect(buildTopology(c).loadBalancers).toEqual([lb]);
  });
});

describe('names are never cut', () => {
  it('counts the lines a name wraps to, beside its kind tag or below it', () => {
    expect(nameLines('web-1', 210)).toBe(1);
    expect(nameLines('ingress-nginx-controller-7d9c8b6f5-x2x4k', 210)).toBe(2);
    expect(nameLines('web-856dd7f5f8-2p4lf', 210, 7)).toBe(2);
  });

  it('makes every pod tall enough for the longest name', async () => {
    const c = cluster();
    const short = await layoutTopology(buildTopology(c), elk);
    c.pods.push(pod('ingress-nginx-controller-7d9c8b6f5-x2x4k', 'node-a', '10.244.0.9'));
    const long = await layoutTopology(buildTopology(c), elk);
    expect(long.pods['pod:default/web-1']!.h).toBeGreaterThan(short.pods['pod:default/web-1']!.h);
    const controller = long.pods['pod:default/ingress-nginx-controller-7d9c8b6f5-x2x4k']!;
    expect(controller.h).toBe(long.pods['pod:default/web-1']!.h);
  });
});

describe('the reply on the route (issue 17)', () => {
  const replyHop = (h: Hop): Hop => ({ ...h, direction: 'reply' });

  it('marks the reply\'s segments and says the reply retraces the request when it does', async () => {
    const { places } = await laidOut();
    const back = [
      replyHop(hop(5, 'pod:default/web-2', { from: 'pod:default/web-2', to: 'node:node-b' })),
      replyHop(hop(6, 'node:node-b', { from: 'node:node-b', to: 'node:node-a' })),
      replyHop(hop(7, 'node:node-a')),
      replyHop(hop(8, 'node:node-a', { from: 'node:node-a', to: 'client:laptop' })),
    ];
    const r = buildRoute([...nodePortHops(), ...back], places);
    expect(r.segments.map((s) => [s.hop, s.reply])).toEqual([
      [0, false],
      [2, false],
      [3, false],
      [5, true],
      [6, true],
      [8, true],
    ]);
    expect(r.reply).toEqual({ retraces: true, skipped: [] });
    // There and back between the same two places: side by side, never on top of each other.
    const there = r.segments.find((s) => s.hop === 2)!;
    const back6 = r.segments.find((s) => s.hop === 6)!;
    expect(Math.abs(there.a.y - back6.b.y)).toBeGreaterThan(8);
  });

  it('names the node a reply skips when it takes another way back', async () => {
    const { places } = await laidOut();
    // Straight from node-b to the laptop: node-a, which did the DNAT, never sees the reply.
    const back = [
      replyHop(hop(5, 'pod:default/web-2', { from: 'pod:default/web-2', to: 'node:node-b' })),
      replyHop(hop(6, 'node:node-b', { from: 'node:node-b', to: 'client:laptop' })),
    ];
    const r = buildRoute([...nodePortHops(), ...back], places);
    expect(r.reply).toEqual({ retraces: false, skipped: ['node-a'] });
    expect(buildRoute(nodePortHops(), places).reply).toBeNull();
  });

  it('a reply hop on the edge the hop before it travelled is a stop at that edge\'s end', async () => {
    const { places } = await laidOut();
    const back = [
      replyHop(hop(5, 'pod:default/web-2', { from: 'pod:default/web-2', to: 'node:node-b' })),
      replyHop(hop(6, 'node:node-b', { from: 'node:node-b', to: 'client:laptop' })),
      replyHop(hop(7, 'client:laptop', { from: 'node:node-b', to: 'client:laptop' })),
    ];
    const r = buildRoute([...nodePortHops(), ...back], places);
    expect(r.segments.filter((s) => s.reply).map((s) => s.hop)).toEqual([5, 6]);
    expect(r.stops.find((s) => s.id === 'client:laptop')?.hops).toEqual([7]);
  });
});
