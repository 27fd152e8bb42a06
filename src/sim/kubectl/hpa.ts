// The TARGETS cell of a HorizontalPodAutoscaler (printers.go formatHPAMetrics), read through the
// autoscaling/v2 shape the API server stores: an autoscaling/v1 object's
// targetCPUUtilizationPercentage is a cpu Resource metric, and an object with no metric at all gets
// v2's default (cpu at 80% average utilization), as SetDefaults_HorizontalPodAutoscaler gives it.

type Rec = Record<string, unknown>;

const rec = (v: unknown): Rec | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** A quantity as written (the lab does not canonicalise quantities). */
const qty = (v: unknown): string | undefined =>
  (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

const cpuMetric = (target: unknown): Rec => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } },
});

/** spec.metrics and status.currentMetrics in v2's shape. */
function metricsOf(o: Rec): { specs: Rec[]; statuses: Rec[] } {
  const spec = rec(o['spec']) ?? {};
  const status = rec(o['status']) ?? {};
  const v1Target = spec['targetCPUUtilizationPercentage'];
  let specs = arr(spec['metrics']).map((m) => rec(m) ?? {});
  if (specs.length === 0 && typeof v1Target === 'number') specs = [cpuMetric(v1Target)];
  if (specs.length === 0) specs = [cpuMetric(80)];
  let statuses = arr(status['currentMetrics']).map((m) => rec(m) ?? {});
  const v1Current = status['currentCPUUtilizationPercentage'];
  if (statuses.length === 0 && typeof v1Current === 'number') {
    statuses = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: v1Current } } }];
  }
  return { specs, statuses };
}

/** Resource and ContainerResource: `cpu: 40%/80%`, `memory: <unknown>/100Mi`. */
function resourceText(spec: Rec, current: Rec | undefined): string {
  const name = String(spec['name'] ?? '');
  const target = rec(spec['target']) ?? {};
  const now = rec(current?.['current']);
  if (target['averageValue'] !== undefined) {
    return `${name}: ${qty(now?.['averageValue']) ?? '<unknown>'}/${qty(target['averageValue'])}`;
  }
  const util = now?.['averageUtilization'];
  const cur = typeof util === 'number' ? `${util}%` : '<unknown>';
  const want = typeof target['averageUtilization'] === 'number' ? `${target['averageUtilization']}%` : '<auto>';
  return `${name}: ${cur}/${want}`;
}

/** Object and External: `current/target`, or with an average value `current/target (avg)`. */
function valueText(spec: Rec, current: Rec | undefined): string {
  const target = rec(spec['target']) ?? {};
  const now = rec(current?.['current']);
  if (target['averageValue'] !== undefined) {
    return `${qty(now?.['averageValue']) ?? '<unknown>'}/${qty(target['averageValue'])} (avg)`;
  }
  return `${current ? (qty(now?.['value']) ?? '<nil>') : '<unknown>'}/${qty(target['value']) ?? '<nil>'}`;
}

function metricText(m: Rec, status: Rec | undefined): string {
  const field = (t: string) => rec(m[t]) ?? {};
  const cur = (t: string) => rec(status?.[t]);
  switch (m['type']) {
    case 'Resource':
      return resourceText(field('resource'), cur('resource'));
    case 'ContainerResource':
      return resourceText(field('containerResource'), cur('containerResource'));
    case 'Pods': {
      const target = rec(field('pods')['target']) ?? {};
      const now = qty(rec(cur('pods')?.['current'])?.['averageValue']);
      return `${cur('pods') ? (now ?? '<nil>') : '<unknown>'}/${qty(target['averageValue']) ?? '<nil>'}`;
    }
    case 'Object':
      return valueText(field('object'), cur('object'));
    case 'External':
      return valueText(field('external'), cur('external'));
    default:
      return '<unknown type>';
  }
}

/** formatHPAMetrics: the first two metrics, then `+ N more...`. */
export function hpaTargets(o: Rec): string {
  const { specs, statuses } = metricsOf(o);
  const texts = specs.map((m, i) => metricText(m, rec(statuses[i])));
  if (texts.length > 2) return `${texts.slice(0, 2).join(', ')} + ${texts.length - 2} more...`;
  return texts.join(', ');
}
