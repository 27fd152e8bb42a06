// Forms for the common changes: scale a Deployment; add or delete a pod; mark a pod not ready;
// a Service's type, traffic policies and session affinity; kube-proxy's mode; an Ingress rule.
// Each is one store command (undo covers it), checked against the apiserver first: a refusal
// shows in the apiserver's words and changes nothing; an accepted change lists its events.

import { useState, type FormEvent, type ReactNode } from 'react';
import type { Ingress, Service } from '../../sim';
import { ADDON_LABEL } from '../../sim/ingress/addon';
import { PROXY_MODES, type ProxyMode } from '../../sim/lab';
import { checkChange } from '../../state/console/engine';
import type { Scenario, ScenarioCommand } from '../../state';
import { labStore, useLab } from '../app-store';
import { labFor } from '../engines';
import { useT } from '../i18n';
import { Dialog } from '../share/Dialog';
import { setSession } from '../share/session';

type Outcome = { kind: 'error' | 'ok'; text: string } | null;

interface ServiceForm {
  type: string;
  externalTrafficPolicy: string;
  internalTrafficPolicy: string;
  sessionAffinity: string;
}

const serviceForm = (x: Service | undefined): ServiceForm => ({
  type: x?.spec.type ?? 'ClusterIP',
  externalTrafficPolicy: x?.spec.externalTrafficPolicy ?? 'Cluster',
  internalTrafficPolicy: x?.spec.internalTrafficPolicy ?? 'Cluster',
  sessionAffinity: x?.spec.sessionAffinity ?? 'None',
});

function commitChange(scenario: Scenario, command: ScenarioCommand, touched: { kind: string; namespace?: string; name: string }[]): Outcome {
  const r = checkChange({ scenario, lab: labFor(scenario), labFor }, command, touched, '');
  if (r.err) return { kind: 'error', text: r.err.trim() };
  if (r.command) labStore.getState().run(r.command);
  return { kind: 'ok', text: r.events.map((e) => e.replace(/\t/g, '  ')).join('\n') };
}

const ns = (o: { metadata: { namespace?: string } }) => o.metadata.namespace ?? 'default';

function Section({ title, children, onSubmit, testId }: { title: string; children: ReactNode; onSubmit?: () => void; testId: string }) {
  const t = useT();
  return (
    <form
      className="edit-section"
      data-testid={testId}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onSubmit?.();
      }}
    >
      <h3>{title}</h3>
      <div className="edit-fields">{children}</div>
      {onSubmit && (
        <button type="submit" className="btn btn-primary">
          {t('edit.apply')}
        </button>
      )}
    </form>
  );
}

export default function EditForms() {
  const t = useT();
  const scenario = useLab((s) => s.scenario.current);
  const lab = useLab((s) => s.lab);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [dep, setDep] = useState('');
  // Form values start from the object as it is now and keep what the user typed (null: untouched).
  const [replicasInput, setReplicas] = useState<number | null>(null);
  const [pod, setPod] = useState('');
  const [newPod, setNewPod] = useState({ name: '', labels: 'app=web' });
  const [svc, setSvc] = useState('');
  const [svcInput, setSvcForm] = useState<ServiceForm | null>(null);
  const [ing, setIng] = useState('');
  const [rule, setRule] = useState({ host: '', path: '/', service: '', port: 80 });
  if (!scenario) return null;

  // The cluster as it runs now: the scenario's objects as edited, and every pod (a Deployment's
  // pods too: deleting one shows its ReplicaSet replacing it; marking one not ready empties its endpoint).
  const applied = lab?.applied ?? scenario.objects;
  const deployments = applied.filter((o) => o.kind === 'Deployment');
  // The user's namespaces first: kube-system's pods are there to look at, rarely to change.
  const pods = (lab?.cluster.pods ?? []).filter((o) => !o.metadata.labels?.[ADDON_LABEL]).sort((a, b) => Number(ns(a) === 'kube-system') - Number(ns(b) === 'kube-system'));
  const services = applied.filter((o): o is Service => o.kind === 'Service');
  const ingresses = applied.filter((o): o is Ingress => o.kind === 'Ingress');
  const proxyMode = lab?.cluster.settings.kubeProxy.mode ?? scenario.settings.kubeProxy.mode;
  const key = (o: { metadata: { name: string; namespace?: string } }) => `${ns(o)}/${o.metadata.name}`;
  const byKey = <T extends { metadata: { name: string; namespace?: string } }>(xs: T[], k: string) => xs.find((o) => key(o) === k) ?? xs[0];
  const done = (o: Outcome) => setOutcome(o);

  const d = byKey(deployments, dep);
  const p = byKey(pods, pod);
  const s = byKey(services, svc);
  const replicas = replicasInput ?? (d && 'spec' in d ? ((d.spec as { replicas?: number }).replicas ?? 1) : 1);
  const svcForm = svcInput ?? (s ? serviceForm(s) : serviceForm(undefined));
  const i = byKey(ingresses, ing);
  const pick = (list: { metadata: { name: string; namespace?: string } }[], value: string, set: (v: string) => void, testId: string) => (
    <select
      value={value || (list[0] ? key(list[0]) : '')}
      onChange={(e) => set(e.target.value)}
      data-testid={testId}
      aria-label={t('edit.object')}
    >
      {list.map((o) => (
        <option key={key(o)} value={key(o)}>
          {key(o)}
        </option>
      ))}
    </select>
  );

  return (
    <Dialog title={t('edit.title')} onClose={() => setSession({ overlay: null })} testId="edit-dialog" wide>
      {outcome && (
        <pre
          className={`edit-outcome ${outcome.kind === 'error' ? 'is-error' : ''}`}
          data-testid="edit-outcome"
          role="status"
        >
          {outcome.kind === 'error' ? outcome.text : outcome.text ? `${t('console.events')}\n${outcome.text}` : t('edit.applied')}
        </pre>
      )}
      <div className="edit-grid">
        <Section title={t('edit.proxy')} testId="edit-proxy">
          <select
            value={proxyMode}
            onChange={(e) => done(commitChange(scenario, { kind: 'set-proxy-mode', mode: e.target.value as ProxyMode }, []))}
            aria-label={t('edit.proxy')}
            data-testid="edit-proxy-mode"
          >
            {PROXY_MODES.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </Section>
        {d && (
          <Section
            title={t('edit.scale')}
            testId="edit-scale"
            onSubmit={() => done(commitChange(scenario, { kind: 'set-replicas', namespace: ns(d), name: d.metadata.name, replicas }, [{ kind: 'Deployment', namespace: ns(d), name: d.metadata.name }]))}
          >
            {pick(deployments, dep, (v) => { setDep(v); setReplicas(null); }, 'edit-scale-deployment')}
            <input
              type="number"
              min={0}
              max={1000}
              value={replicas}
              onChange={(e) => setReplicas(Number(e.target.value))}
              aria-label={t('edit.replicas')}
              data-testid="edit-scale-replicas"
            />
          </Section>
        )}
        <Section
          title={t('edit.addPod')}
          testId="edit-add-pod"
          onSubmit={() => {
            const labels = Object.fromEntries(newPod.labels.split(',').map((kv) => kv.trim().split('=')).filter((kv) => kv.length === 2 && kv[0]) as [string, string][]);
            const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: newPod.name.trim(), namespace: 'default', labels }, spec: { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] }] } };
            done(commitChange(scenario, { kind: 'apply-object', object: object as Scenario['objects'][number] }, [{ kind: 'Pod', namespace: 'default', name: object.metadata.name }]));
          }}
        >
          <input
            value={newPod.name}
            placeholder={t('edit.name')}
            onChange={(e) => setNewPod({ ...newPod, name: e.target.value })}
            aria-label={t('edit.name')}
            data-testid="edit-add-pod-name"
          />
          <input
            value={newPod.labels}
            placeholder="app=web"
            onChange={(e) => setNewPod({ ...newPod, labels: e.target.value })}
            aria-label={t('edit.labels')}
          />
        </Section>
        {p && (
          <Section title={t('edit.pod')} testId="edit-pod">
            <p className="muted edit-hint">{t('edit.pod.hint')}</p>
            {pick(pods, pod, setPod, 'edit-pod-name')}
            <button
              type="button"
              className="btn"
              onClick={() => done(commitChange(scenario, { kind: 'set-pod-ready', namespace: ns(p), name: p.metadata.name, ready: false }, [{ kind: 'Pod', namespace: ns(p), name: p.metadata.name }]))}
              data-testid="edit-pod-unready"
            >
              {t('edit.notReady')}
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => done(commitChange(scenario, { kind: 'set-pod-ready', namespace: ns(p), name: p.metadata.name, ready: true }, []))}
            >
              {t('edit.ready')}
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => done(commitChange(scenario, { kind: 'remove-object', objectKind: 'Pod', namespace: ns(p), name: p.metadata.name }, []))}
              data-testid="edit-pod-delete"
            >
              {t('edit.delete')}
            </button>
          </Section>
        )}
        {s && (
          <Section
            title={t('edit.service')}
            testId="edit-service"
            onSubmit={() => {
              const spec = { ...s.spec, type: svcForm.type, sessionAffinity: svcForm.sessionAffinity, internalTrafficPolicy: svcForm.internalTrafficPolicy } as Record<string, unknown>;
              if (svcForm.type === 'NodePort' || svcForm.type === 'LoadBalancer') spec.externalTrafficPolicy = svcForm.externalTrafficPolicy;
              else {
                delete spec.externalTrafficPolicy;
                // A ClusterIP Service has no nodePorts: the apiserver refuses them (spec.ports[].nodePort: Forbidden).
                spec.ports = (s.spec.ports ?? []).map(({ nodePort: _n, ...rest }) => rest);
              }
              const object = { ...s, spec } as unknown as Scenario['objects'][number];
              done(commitChange(scenario, { kind: 'apply-object', object }, [{ kind: 'Service', namespace: ns(s), name: s.metadata.name }]));
            }}
          >
            {pick(services, svc, (v) => { setSvc(v); setSvcForm(null); }, 'edit-service-name')}
            <select
              value={svcForm.type}
              onChange={(e) => setSvcForm({ ...svcForm, type: e.target.value })}
              aria-label="spec.type"
              data-testid="edit-service-type"
            >
              {['ClusterIP', 'NodePort', 'LoadBalancer'].map((x) => (
                <option key={x}>{x}</option>
              ))}
            </select>
            <select
              value={svcForm.externalTrafficPolicy}
              onChange={(e) => setSvcForm({ ...svcForm, externalTrafficPolicy: e.target.value })}
              aria-label="spec.externalTrafficPolicy"
            >
              {['Cluster', 'Local'].map((x) => (
                <option key={x} value={x}>{`externalTrafficPolicy: ${x}`}</option>
              ))}
            </select>
            <select
              value={svcForm.internalTrafficPolicy}
              onChange={(e) => setSvcForm({ ...svcForm, internalTrafficPolicy: e.target.value })}
              aria-label="spec.internalTrafficPolicy"
            >
              {['Cluster', 'Local'].map((x) => (
                <option key={x} value={x}>{`internalTrafficPolicy: ${x}`}</option>
              ))}
            </select>
            <select
              value={svcForm.sessionAffinity}
              onChange={(e) => setSvcForm({ ...svcForm, sessionAffinity: e.target.value })}
              aria-label="spec.sessionAffinity"
            >
              {['None', 'ClientIP'].map((x) => (
                <option key={x} value={x}>{`sessionAffinity: ${x}`}</option>
              ))}
            </select>
          </Section>
        )}
        {i && (
          <Section
            title={t('edit.ingressRule')}
            testId="edit-ingress"
            onSubmit={() => {
              const backend = { service: { name: rule.service || services[0]?.metadata.name || '', port: { number: rule.port } } };
              const newRule = { ...(rule.host ? { host: rule.host } : {}), http: { paths: [{ path: rule.path || '/', pathType: 'Prefix', backend }] } };
              const object = { ...i, spec: { ...i.spec, rules: [...(i.spec.rules ?? []), newRule] } } as unknown as Scenario['objects'][number];
              done(commitChange(scenario, { kind: 'apply-object', object }, [{ kind: 'Ingress', namespace: ns(i), name: i.metadata.name }]));
            }}
          >
            {pick(ingresses, ing, setIng, 'edit-ingress-name')}
            <input
              value={rule.host}
              placeholder={t('edit.host')}
              onChange={(e) => setRule({ ...rule, host: e.target.value })}
              aria-label={t('edit.host')}
            />
            <input
              value={rule.path}
              placeholder="/"
              onChange={(e) => setRule({ ...rule, path: e.target.value })}
              aria-label={t('edit.path')}
            />
            <select
              value={rule.service || services[0]?.metadata.name}
              onChange={(e) => setRule({ ...rule, service: e.target.value })}
              aria-label={t('edit.backend')}
            >
              {services.filter((x) => ns(x) === ns(i)).map((x) => (
                <option key={x.metadata.name}>{x.metadata.name}</option>
              ))}
            </select>
            <input
              type="number"
              value={rule.port}
              onChange={(e) => setRule({ ...rule, port: Number(e.target.value) })}
              aria-label={t('edit.port')}
            />
          </Section>
        )}
      </div>
    </Dialog>
  );
}
