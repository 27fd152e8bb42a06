import { describe, expect, it } from 'vitest';
import type { DaemonSet, Deployment, IngressClass, OtherObject, Service } from '../api/types';
import { defaultIngressAddon, defaultLabSettings } from '../lab';
import { addonObjects } from './addon';
import { fixtureCluster, fixtureIngressClass } from './fixtures';
import { controllerPodLabels, ingressStatusAddresses } from './addon';
import { compileIngressControllers, syncIngressControllers } from './controllers';

const kinds = (objs: readonly { kind: string; metadata: { name: string } }[]) =>
  objs.map((o) => `${o.kind}/${o.metadata.name}`);

describe('controllers as addons', () => {
  it('nginx behind a NodePort Service: Deployment, Service with fixed nodePorts, IngressClass, ' +
    'and no default backend (v1.x)', () => {
    const settings = defaultLabSettings();
    settings.ingress = [
      { ...defaultIngressAddon('nginx'), nodePorts: { http: 30080, https: 30443 }, isDefaultClass: true },
    ];
    const { objects, implied } = addonObjects(settings, []);
    expect(implied).toEqual([]);
    expect(kinds(objects)).toEqual([
      'Namespace/ingress-nginx',
      'IngressClass/nginx',
      'ServiceAccount/ingress-nginx',
      'Deployment/ingress-nginx-controller',
      'Service/ingress-nginx-controller',
    ]);
    const controller = objects.find((o) => o.kind === 'Deployment') as Deployment;
    const args = controller.spec.template.spec.containers[0]!.args as string[];
    expect(args.some((a) => a.startsWith('--default-backend-service'))).toBe(false);
    const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'ingress-nginx-controller') as Service;
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports!.map((p) => [p.port, p.nodePort])).toEqual([[80, 30080], [443, 30443]]);
    const cls = objects.find((o) => o.kind === 'IngressClass') as IngressClass;
    expect(cls.spec.controller).toBe('k8s.io/ingress-nginx');
    expect(cls.metadata.annotations).toEqual({ 'ingressclass.kubernetes.io/is-default-class': 'true' });
  });

  it('--default-backend-service (seed 001) installs the named default backend and passes the flag', () => {
    const settings = defaultLabSettings();
    settings.ingress = [
      { ...defaultIngressAddon('nginx'), defaultBackendService: 'ingress-nginx/default-http-backend' },
    ];
    const { objects } = addonObjects(settings, []);
    expect(kinds(objects).slice(-2)).toEqual(['Deployment/default-http-backend', 'Service/default-http-backend']);
    const controller = objects.find(
      (o) => o.kind === 'Deployment' && o.metadata.name === 'ingress-nginx-controller',
    ) as Deployment;
    expect(controller.spec.template.spec.containers[0]!.args).toContain(
      '--default-backend-service=ingress-nginx/default-http-backend',
    );
  });

  it('a LoadBalancer Service topology', () => {
    const settings = defaultLabSettings();
    settings.ingress = [{ ...defaultIngressAddon('nginx'), topology: 'loadbalancer' }];
    const svc = addonObjects(settings, []).objects.find(
      (o) => o.kind === 'Service' && o.metadata.name === 'ingress-nginx-controller',
    ) as Service;
    expect(svc.spec.type).toBe('LoadBalancer');
  });

  it('a DaemonSet with hostPort 80 and 443 (seed 001), no controller Service', () => {
    const settings = defaultLabSettings();
    settings.ingress = [{ ...defaultIngressAddon('nginx'), topology: 'daemonset-hostport' }];
    const objs = addonObjects(settings, []).objects;
    const ds = objs.find((o) => o.kind === 'DaemonSet') as DaemonSet;
    expect(ds.spec.template.spec.containers[0]!.ports!.map((p) => [p.containerPort, p.hostPort])).toEqual([
      [80, 80],
      [443, 443],
    ]);
    expect(objs.some((o) => o.kind === 'Service' && o.metadata.name === 'ingress-nginx-controller')).toBe(false);
  });

  it('Traefik with the RBAC objects of seed 004', () => {
    const settings = defaultLabSettings();
    settings.ingress = [defaultIngressAddon('traefik')];
    const objs = addonObjects(settings, []).objects;
    expect(kinds(objs)).toEqual([
      'Namespace/traefik',
      'IngressClass/traefik',
      'ServiceAccount/traefik-ingress-controller',
      'Deployment/traefik-ingress-controller',
      'Service/traefik-ingress-service',
      'ClusterRole/traefik-ingress-controller',
      'ClusterRoleBinding/traefik-ingress-controller',
    ]);
    type ClusterRole = OtherObject & { rules: { resources: string[]; verbs: string[] }[] };
    const role = objs.find((o) => o.kind === 'ClusterRole') as ClusterRole;
    expect(role.rules[0]).toMatchObject({
      resources: ['services', 'endpoints', 'secrets'],
      verbs: ['get', 'list', 'watch'],
    });
    expect(role.rules[1]!.resources).toContain('ingresses');
  });

  it('an IngressClass of a known controller with no addon implies one; manifests the scenario has are kept', () => {
    const settings = defaultLabSettings();
    const cls = fixtureIngressClass('public', 'nginx', true);
    const mine: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ingress-nginx-controller', namespace: 'ingress-nginx' },
      spec: { selector: {}, template: { spec: { containers: [] } } },
    };
    const unknown: IngressClass = { ...cls, metadata: { name: 'x' }, spec: { controller: 'example.com/unknown' } };
    const { objects, implied, addons } = addonObjects(settings, [cls, mine, unknown]);
    expect(implied).toEqual([{ ...defaultIngressAddon('nginx'), className: 'public', isDefaultClass: true }]);
    expect(addons).toEqual(implied);
    expect(objects.some((o) => o.kind === 'IngressClass')).toBe(false);
    expect(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === 'ingress-nginx-controller')).toBe(false);
    expect(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === 'default-http-backend')).toBe(false);
  });
});

describe('Ingress status addresses', () => {
  it('served Ingresses get the controller nodes\' addresses; an unknown class gets none', () => {
    const addon = defaultIngressAddon('nginx');
    const c = fixtureCluster({
      services: [{ name: 'web', port: 80, endpoints: ['10.244.0.1'] }],
      ingresses: [
        { name: 'mine', rules: [{ host: 'h', paths: [{ path: '/', service: 'web', port: 80 }] }] },
        {
          name: 'lost', className: 'unknown', rules: [{ host: 'h', paths: [{ path: '/', service: 'web', port: 80 }] }],
        },
      ],
    });
    c.nodes = [
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'node-1' },
        status: { addresses: [{ type: 'InternalIP', address: '192.168.49.2' }] },
      },
    ];
    c.pods = [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'ctrl', namespace: 'ingress-nginx', labels: controllerPodLabels(addon) },
        spec: { nodeName: 'node-1', containers: [] },
      },
    ];
    const st = ingressStatusAddresses(c, addon);
    expect(st.get('default/mine')).toEqual([{ ip: '192.168.49.2' }]);
    expect(st.has('default/lost')).toBe(false);
  });
});

describe('all controllers of a cluster', () => {
  it('compiles declared addons and those implied by IngressClasses, and syncs each', () => {
    const c = fixtureCluster({
      addons: [defaultIngressAddon('nginx')],
      classes: [fixtureIngressClass('nginx', 'nginx'), fixtureIngressClass('public-traefik', 'traefik')],
      services: [{ name: 'web', port: 80, endpoints: ['10.244.0.1'] }],
      ingresses: [
        {
          name: 't',
          className: 'public-traefik',
          rules: [{ host: 'h', paths: [{ path: '/', service: 'web', port: 80 }] }],
        },
      ],
    });
    const compiled = compileIngressControllers(c);
    expect(compiled.map((x) => [x.kind, x.addon.className])).toEqual([
      ['nginx', 'nginx'],
      ['traefik', 'public-traefik'],
    ]);
    const t = compiled[1]!;
    expect(t.kind === 'traefik' && t.traefik.config.routers.map((r) => r.rule)).toEqual([
      'Host(`h`) && PathPrefix(`/`)',
    ]);
    const decisions = syncIngressControllers({ previous: c, next: c });
    expect(decisions.map((d) => d.decision.kind)).toEqual(['none', 'none']);
  });
});
