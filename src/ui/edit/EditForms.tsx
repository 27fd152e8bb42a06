// Forms for the common changes: scale a Deployment; add or delete a pod; mark a pod not ready;
// a Service's type, traffic policies and session affinity; kube-proxy's mode; an Ingress rule.
// Each is one store command (undo covers it), checked against the apiserver first: a refusal
// shows in the apiserver's words and changes nothing; an accepted change lists its events.

import { useState, type FormEvent, type ReactNode } from 'react';
import type { Ingress, Service } from '../../sim';
import { ADDON_LABEL } from '../../sim/ingress/addon';
import { MAX_REPLICAS, PROXY_MODES, type ProxyMode } from '../../sim/lab';
import { checkChange } from '../../state/console/engine';
import type { Scenario, ScenarioCommand } from '../../state';
import { labStore, useLab } from '../app-store';
import { CountError } from '../CountError';
import { labFor } from '../engines';
import { useT } from '../i18n';
import { Dialog } from '../share/Dialog';
import { setSession } from '../share/session';
import { readWholeNumber, type WholeNumber } from '../whole-number';

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

type Touched = { kind: string; namespace?: string; name: string };

function commitChange(scenario: Scenario, command: ScenarioCommand, touched: Touched[]): Outcome {
  const r = checkChange({ scenario, lab: labFor(scenario), labFor }, command, touched, '');
  if (r.err) return { kind: 'error', text: r.err.trim() };
  if (r.command) labStore.getState().run(r.command);
  return { kind: 'ok', text: r.events.map((e) => e.replace(/\t/g, '  ')).join('\n') };
}

const ns = (o: { metadata: { namespace?: string } }) => o.metadata.namespace ?? 'default';

type Named = { metadata: { name: string; namespace?: string } };
const key = (o: Named) => `${ns(o)}/${o.metadata.name}`;
const byKey = <T extends Named>(xs: T[], k: string) => xs.find((o) => key(o) === k) ?? xs[0];
type Obj = Scenario['objects'][number];

/** What every form needs: the scenario to check a change against, and where to report how it went. */
interface FormProps {
  scenario: Scenario;
  done: (o: Outcome) => void;
}

function Section({ title, children, onSubmit, testId }: {
  title: string;
  children: ReactNode;
  onSubmit?: () => void;
  testId: string;
}) {
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

/** The object a form changes, by namespace/name (the first one until the reader picks another). */
function ObjectPick({ list, value, onPick, testId }: {
  list: readonly Named[];
  value: string;
  onPick: (v: string) => void;
  testId: string;
}) {
  const t = useT();
  return (
    <select
      value={value || (list[0] ? key(list[0]) : '')}
      onChange={(e) => onPick(e.target.value)}
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
}

export default function EditForms() {
  const t = useT();
  const scenario = useLab((s) => s.scenario.current);
  const lab = useLab((s) => s.lab);
  const [outcome, setOutcome] = useState<Outcome>(null);
  if (!scenario) return null;

  // The cluster as it runs now: the scenario's objects as edited, and every pod (a Deployment's
  // pods too: deleting one shows its ReplicaSet replacing it; marking one not ready empties its endpoint).
  const applied = lab?.applied ?? scenario.objects;
  const deployments = applied.filter((o) => o.kind === 'Deployment');
  // The user's namespaces first: kube-system's pods are there to look at, rarely to change.
  const pods = (lab?.cluster.pods ?? [])
    .filter((o) => !o.metadata.labels?.[ADDON_LABEL])
    .sort((a, b) => Number(ns(a) === 'kube-system') - Number(ns(b) === 'kube-system'));
  const services = applied.filter((o): o is Service => o.kind === 'Service');
  const ingresses = applied.filter((o): o is Ingress => o.kind === 'Ingress');
  const proxyMode = lab?.cluster.settings.kubeProxy.mode ?? scenario.settings.kubeProxy.mode;
  const form: FormProps = { scenario, done: setOutcome };

  return (
    <Dialog title={t('edit.title')} onClose={() => setSession({ overlay: null })} testId="edit-dialog" wide>
      {outcome && <OutcomeView outcome={outcome} />}
      <div className="edit-grid">
        <ProxyModeForm {...form} mode={proxyMode} />
        {deployments.length > 0 && <ScaleForm {...form} deployments={deployments} />}
        <AddPodForm {...form} />
        {pods.length > 0 && <PodForm {...form} pods={pods} />}
        {services.length > 0 && <ServiceSpecForm {...form} services={services} />}
        {ingresses.length > 0 && <IngressRuleForm {...form} ingresses={ingresses} services={services} />}
      </div>
    </Dialog>
  );
}

/** The apiserver's refusal, or the events an accepted change caused. */
function OutcomeView({ outcome }: { outcome: NonNullable<Outcome> }) {
  const t = useT();
  const events = outcome.text ? `${t('console.events')}\n${outcome.text}` : t('edit.applied');
  return (
    <pre
      className={`edit-outcome ${outcome.kind === 'error' ? 'is-error' : ''}`}
      data-testid="edit-outcome"
      role="status"
    >
      {outcome.kind === 'error' ? outcome.text : events}
    </pre>
  );
}

/** A count typed as text, so what was typed is what its error quotes (a number input reports "" for "1-");
 *  the problem, if any, beside it. */
function CountField({ text, read, onChange, label, field, testId }: {
  text: string;
  read: WholeNumber;
  onChange: (text: string) => void;
  label: string;
  /** The field as the error names it: what it sets, and on which object. */
  field: string;
  testId: string;
}) {
  const errorId = `${testId}-error`;
  const problem = 'problem' in read ? read.problem : null;
  return (
    <>
      <input
        type="text"
        inputMode="numeric"
        value={text}
        onChange={(e) => onChange(e.target.value)}
        aria-label={label}
        aria-invalid={problem !== null}
        aria-describedby={problem ? errorId : undefined}
        data-testid={testId}
      />
      {problem && <CountError problem={problem} field={field} id={errorId} />}
    </>
  );
}

/** kube-proxy's mode for the whole lab. */
function ProxyModeForm({ scenario, done, mode }: FormProps & { mode: ProxyMode }) {
  const t = useT();
  return (
    <Section title={t('edit.proxy')} testId="edit-proxy">
      <select
        value={mode}
        onChange={(e) => {
          const command = { kind: 'set-proxy-mode', mode: e.target.value as ProxyMode } as const;
          done(commitChange(scenario, command, []));
        }}
        aria-label={t('edit.proxy')}
        data-testid="edit-proxy-mode"
      >
        {PROXY_MODES.map((m) => (
          <option key={m}>{m}</option>
        ))}
      </select>
    </Section>
  );
}

/** A Deployment's spec.replicas (the field starts from the Deployment as it is now). An emptied field or a
 *  fraction is refused beside the field: it is not "scale to 0". */
function ScaleForm({ scenario, done, deployments }: FormProps & { deployments: Obj[] }) {
  const t = useT();
  const [dep, setDep] = useState('');
  // Null: untouched, the field shows the Deployment's own count.
  const [replicasInput, setReplicas] = useState<string | null>(null);
  const d = byKey(deployments, dep)!;
  const text = replicasInput ?? String('spec' in d ? ((d.spec as { replicas?: number }).replicas ?? 1) : 1);
  const read = readWholeNumber(text, 0, MAX_REPLICAS);
  const target = { namespace: ns(d), name: d.metadata.name };
  const apply = () => {
    // Refused: the error is beside the field; an earlier change's outcome would read as this one's.
    if (!('value' in read)) return done(null);
    const command = { kind: 'set-replicas', ...target, replicas: read.value } as const;
    done(commitChange(scenario, command, [{ kind: 'Deployment', ...target }]));
  };
  const pick = (v: string) => {
    setDep(v);
    setReplicas(null);
  };
  return (
    <Section title={t('edit.scale')} testId="edit-scale" onSubmit={apply}>
      <ObjectPick list={deployments} value={dep} onPick={pick} testId="edit-scale-deployment" />
      <CountField
        text={text}
        read={read}
        onChange={setReplicas}
        label={t('edit.replicas')}
        field={t('edit.replicasOf', { name: key(d) })}
        testId="edit-scale-replicas"
      />
    </Section>
  );
}

/** A bare nginx pod in the default namespace, with the labels typed (key=value, comma-separated). */
function AddPodForm({ scenario, done }: FormProps) {
  const t = useT();
  const [newPod, setNewPod] = useState({ name: '', labels: 'app=web' });
  const apply = () => {
    const pairs = newPod.labels.split(',').map((kv) => kv.trim().split('='));
    const labels = Object.fromEntries(pairs.filter((kv) => kv.length === 2 && kv[0]) as [string, string][]);
    const container = { name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] };
    const metadata = { name: newPod.name.trim(), namespace: 'default', labels };
    const object = { apiVersion: 'v1', kind: 'Pod', metadata, spec: { containers: [container] } } as Obj;
    const touched = [{ kind: 'Pod', namespace: 'default', name: metadata.name }];
    done(commitChange(scenario, { kind: 'apply-object', object }, touched));
  };
  return (
    <Section title={t('edit.addPod')} testId="edit-add-pod" onSubmit={apply}>
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
  );
}

/** A running pod: marked not ready (its endpoint empties), ready again, or deleted. */
function PodForm({ scenario, done, pods }: FormProps & { pods: Named[] }) {
  const t = useT();
  const [pod, setPod] = useState('');
  const p = byKey(pods, pod)!;
  const target = { namespace: ns(p), name: p.metadata.name };
  const run = (command: ScenarioCommand, touched: Touched[] = []) => done(commitChange(scenario, command, touched));
  return (
    <Section title={t('edit.pod')} testId="edit-pod">
      <p className="muted edit-hint">{t('edit.pod.hint')}</p>
      <ObjectPick list={pods} value={pod} onPick={setPod} testId="edit-pod-name" />
      <button
        type="button"
        className="btn"
        onClick={() => run({ kind: 'set-pod-ready', ...target, ready: false }, [{ kind: 'Pod', ...target }])}
        data-testid="edit-pod-unready"
      >
        {t('edit.notReady')}
      </button>
      <button type="button" className="btn" onClick={() => run({ kind: 'set-pod-ready', ...target, ready: true })}>
        {t('edit.ready')}
      </button>
      <button
        type="button"
        className="btn"
        onClick={() => run({ kind: 'remove-object', objectKind: 'Pod', ...target })}
        data-testid="edit-pod-delete"
      >
        {t('edit.delete')}
      </button>
    </Section>
  );
}

/** A Service's type, traffic policies and session affinity (the fields start from the Service). */
function ServiceSpecForm({ scenario, done, services }: FormProps & { services: Service[] }) {
  const t = useT();
  const [svc, setSvc] = useState('');
  const [svcInput, setSvcForm] = useState<ServiceForm | null>(null);
  const s = byKey(services, svc)!;
  const svcForm = svcInput ?? serviceForm(s);
  const { type, sessionAffinity, internalTrafficPolicy } = svcForm;
  const apply = () => {
    const spec = { ...s.spec, type, sessionAffinity, internalTrafficPolicy } as Record<string, unknown>;
    if (type === 'NodePort' || type === 'LoadBalancer') spec.externalTrafficPolicy = svcForm.externalTrafficPolicy;
    else {
      delete spec.externalTrafficPolicy;
      // A ClusterIP Service has no nodePorts: the apiserver refuses them (spec.ports[].nodePort: Forbidden).
      spec.ports = (s.spec.ports ?? []).map(({ nodePort: _n, ...rest }) => rest);
    }
    const object = { ...s, spec } as unknown as Obj;
    const touched = [{ kind: 'Service', namespace: ns(s), name: s.metadata.name }];
    done(commitChange(scenario, { kind: 'apply-object', object }, touched));
  };
  const pick = (v: string) => {
    setSvc(v);
    setSvcForm(null);
  };
  const field = (name: keyof ServiceForm, values: string[]) => (
    <select
      value={svcForm[name]}
      onChange={(e) => setSvcForm({ ...svcForm, [name]: e.target.value })}
      aria-label={`spec.${name}`}
    >
      {values.map((x) => (
        <option key={x} value={x}>{`${name}: ${x}`}</option>
      ))}
    </select>
  );
  return (
    <Section title={t('edit.service')} testId="edit-service" onSubmit={apply}>
      <ObjectPick list={services} value={svc} onPick={pick} testId="edit-service-name" />
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
      {field('externalTrafficPolicy', ['Cluster', 'Local'])}
      {field('internalTrafficPolicy', ['Cluster', 'Local'])}
      {field('sessionAffinity', ['None', 'ClientIP'])}
    </Section>
  );
}

/** One more rule on an Ingress: host, path (Prefix) and a backend Service of its namespace. */
function IngressRuleForm({ scenario, done, ingresses, services }: FormProps & {
  ingresses: Ingress[];
  services: Service[];
}) {
  const t = useT();
  const [ing, setIng] = useState('');
  const [rule, setRule] = useState({ host: '', path: '/', service: '', port: '80' });
  const i = byKey(ingresses, ing)!;
  const name = rule.service || services[0]?.metadata.name || '';
  const port = readWholeNumber(rule.port, 1, 65535);
  const apply = () => {
    if (!('value' in port)) return done(null);
    const backend = { service: { name, port: { number: port.value } } };
    const paths = [{ path: rule.path || '/', pathType: 'Prefix', backend }];
    const newRule = { ...(rule.host ? { host: rule.host } : {}), http: { paths } };
    const object = { ...i, spec: { ...i.spec, rules: [...(i.spec.rules ?? []), newRule] } } as unknown as Obj;
    const touched = [{ kind: 'Ingress', namespace: ns(i), name: i.metadata.name }];
    done(commitChange(scenario, { kind: 'apply-object', object }, touched));
  };
  return (
    <Section title={t('edit.ingressRule')} testId="edit-ingress" onSubmit={apply}>
      <ObjectPick list={ingresses} value={ing} onPick={setIng} testId="edit-ingress-name" />
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
        {services
          .filter((x) => ns(x) === ns(i))
          .map((x) => (
            <option key={x.metadata.name}>{x.metadata.name}</option>
          ))}
      </select>
      <CountField
        text={rule.port}
        read={port}
        onChange={(v) => setRule({ ...rule, port: v })}
        label={t('edit.port')}
        field={t('edit.portOf', { name })}
        testId="edit-ingress-port"
      />
    </Section>
  );
}
