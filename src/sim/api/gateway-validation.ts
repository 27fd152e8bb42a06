// Structural validation of the Gateway API kinds as the apiserver runs it for their CRDs
// (config/crd/standard/gateway.networking.k8s.io_*.yaml, standard channel): OpenAPI checks
// (required, enum, minLength/maxLength, pattern, minItems/maxItems, minimum/maximum) with the
// apiextensions wording (`... in body should match '^...$'`), then the CEL rules the standard
// channel ships (`Invalid value: "object": <message>` at the object that holds the rule). CRD
// defaults (path PathPrefix "/", header match Exact, ...) are applied before the checks, as the
// apiserver defaults before it validates.

import { deepEqual } from '../util/equal';
import type { FieldError } from './errors';
import { GATEWAY_GROUP } from './types';

/** One field error with the path of segments the loader can locate in the file (line:col). */
export interface CrdFieldError {
  path: (string | number)[];
  error: FieldError;
}

type Path = (string | number)[];

function fieldText(path: Path): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s;
}

// ---------------------------------------------------- patterns (shared_types.go, object_reference_types.go)

const P = {
  group: /^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  kind: /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/,
  namespace: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  sectionName: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  hostname: /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  controllerName: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/,
  headerName: /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/,
  method: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'],
  validPath: /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/,
  redirectPath: /^\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]*$/,
};

/** The pattern as the CRD writes it, for messages (`should match '<pattern>'`). */
function source(re: RegExp): string {
  return re.source;
}

/** What a string field must be: required, its length bounds, a pattern, or one of a set. */
interface StrRule {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
  enum?: readonly string[];
}

/** What a list must be: required, its length bounds. */
interface ListRule {
  required?: boolean;
  min?: number;
  max?: number;
}

class Checker {
  readonly errors: CrdFieldError[] = [];

  push(path: Path, error: Omit<FieldError, 'field'>): void {
    this.errors.push({ path, error: { ...error, field: fieldText(path) } });
  }

  required(path: Path): void {
    this.push(path, { type: 'Required', detail: '' });
  }

  /** A CEL rule failed on the object at `path`. */
  cel(path: Path, message: string): void {
    this.push(path, { type: 'Invalid', value: { go: 'string', v: 'object' }, detail: message });
  }

  isObject(v: unknown, path: Path): v is Record<string, unknown> {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return true;
    this.typeError(v, path, 'object');
    return false;
  }

  typeError(v: unknown, path: Path, want: string): void {
    const got = Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'number' ? (
      Number.isInteger(v) ? 'integer' : 'number'
    ) : typeof v;
    this.push(
      path,
      {
        type: 'Invalid',
        value: { go: 'string', v: got },
        detail: `${fieldText(path)} in body must be of type ${want}: ${JSON.stringify(got)}`,
      },
    );
  }

  str(v: unknown, path: Path, o: StrRule = {}): v is string {
    if (v === undefined) {
      if (o.required) this.required(path);
      return false;
    }
    if (typeof v !== 'string') {
      this.typeError(v, path, 'string');
      return false;
    }
    if (o.enum && !o.enum.includes(v)) {
      this.push(path, { type: 'NotSupported', value: { go: 'string', v }, supported: [...o.enum] });
      return false;
    }
    let ok = true;
    if (o.max !== undefined && v.length > o.max) {
      this.push(path, { type: 'TooLong', detail: `may not be more than ${o.max} bytes` });
      ok = false;
    }
    if (o.min !== undefined && v.length < o.min) {
      this.push(
        path,
        {
          type: 'Invalid',
          value: { go: 'string', v },
          detail: `${fieldText(path)} in body should be at least ${o.min} chars long`,
        },
      );
      ok = false;
    }
    if (ok && o.pattern && !o.pattern.test(v)) {
      this.push(
        path,
        {
          type: 'Invalid',
          value: { go: 'string', v },
          detail: `${fieldText(path)} in body should match '${source(o.pattern)}'`,
        },
      );
      ok = false;
    }
    return ok;
  }

  int(v: unknown, path: Path, o: { required?: boolean; min?: number; max?: number } = {}): v is number {
    if (v === undefined) {
      if (o.required) this.required(path);
      return false;
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.typeError(v, path, 'integer');
      return false;
    }
    if (o.min !== undefined && v < o.min) {
      this.push(
        path,
        {
          type: 'Invalid',
          value: { go: 'int', v },
          detail: `${fieldText(path)} in body should be greater than or equal to ${o.min}`,
        },
      );
      return false;
    }
    if (o.max !== undefined && v > o.max) {
      this.push(
        path,
        {
          type: 'Invalid',
          value: { go: 'int', v },
          detail: `${fieldText(path)} in body should be less than or equal to ${o.max}`,
        },
      );
      return false;
    }
    return true;
  }

  /** Each object of list `v` (checked against `o`) with its path; an item that is no object is a type error. */
  each(v: unknown, path: Path, o: ListRule, check: (item: Record<string, unknown>, path: Path) => void): void {
    if (!this.list(v, path, o)) return;
    v.forEach((item, i) => {
      const ip = [...path, i];
      if (this.isObject(item, ip)) check(item, ip);
    });
  }

  /** CEL rules of the object at `path`, in the CRD's order: each message whose rule failed. */
  celRules(path: Path, failed: readonly (readonly [boolean, string])[]): void {
    for (const [fails, message] of failed) if (fails) this.cel(path, message);
  }

  list(v: unknown, path: Path, o: ListRule = {}): v is unknown[] {
    if (v === undefined) {
      if (o.required) this.required(path);
      return false;
    }
    if (!Array.isArray(v)) {
      this.typeError(v, path, 'array');
      return false;
    }
    if (o.max !== undefined && v.length > o.max) {
      this.push(
        path,
        { type: 'TooMany', value: { go: 'int', v: v.length }, detail: `must have at most ${o.max} items` },
      );
      return false;
    }
    if (o.min !== undefined && v.length < o.min) {
      this.push(
        path,
        {
          type: 'Invalid',
          value: { go: 'int', v: v.length },
          detail: `${fieldText(path)} in body should have at least ${o.min} items`,
        },
      );
      return false;
    }
    return true;
  }
}

// ---------------------------------------------------------------- shared pieces

/** A kind's `spec`: its checker, and the spec when it is an object (a missing spec is Required). */
function checkSpec(spec: unknown): { c: Checker; spec?: Record<string, unknown>; path: Path } {
  const c = new Checker();
  const path: Path = ['spec'];
  if (spec === undefined) c.required(path);
  else if (c.isObject(spec, path)) return { c, spec, path };
  return { c, path };
}

/** `group` and `kind` of a reference (Group and Kind in shared_types.go), each required or not. */
function checkGroupKind(
  c: Checker,
  o: Record<string, unknown>,
  path: Path,
  required: { group?: boolean; kind?: boolean } = {},
): void {
  c.str(o.group, [...path, 'group'], { required: required.group, max: 253, pattern: P.group });
  c.str(o.kind, [...path, 'kind'], { required: required.kind, min: 1, max: 63, pattern: P.kind });
}

function checkParentRef(c: Checker, p: unknown, path: Path): void {
  if (!c.isObject(p, path)) return;
  checkGroupKind(c, p, path);
  c.str(p.namespace, [...path, 'namespace'], { min: 1, max: 63, pattern: P.namespace });
  c.str(p.name, [...path, 'name'], { required: true, min: 1, max: 253 });
  c.str(p.sectionName, [...path, 'sectionName'], { min: 1, max: 253, pattern: P.sectionName });
  c.int(p.port, [...path, 'port'], { min: 1, max: 65535 });
}

function checkBackendObjectRef(c: Checker, b: Record<string, unknown>, path: Path): void {
  checkGroupKind(c, b, path);
  c.str(b.name, [...path, 'name'], { required: true, min: 1, max: 253 });
  c.str(b.namespace, [...path, 'namespace'], { min: 1, max: 63, pattern: P.namespace });
  c.int(b.port, [...path, 'port'], { min: 1, max: 65535 });
  // CEL: "Must have port for Service reference" (group and kind defaulted to "" and Service).
  const group = typeof b.group === 'string' ? b.group : '';
  const kind = typeof b.kind === 'string' ? b.kind : 'Service';
  if (group === '' && kind === 'Service' && b.port === undefined) c.cel(path, 'Must have port for Service reference');
}

function checkHeaderModifier(c: Checker, m: unknown, path: Path): void {
  if (!c.isObject(m, path)) return;
  for (const key of ['set', 'add'] as const) {
    const list = m[key];
    if (!c.list(list, [...path, key], { max: 16 })) continue;
    const seen = new Set<string>();
    list.forEach((h, i) => {
      const hp = [...path, key, i];
      if (!c.isObject(h, hp)) return;
      if (c.str(h.name, [...hp, 'name'], { required: true, min: 1, max: 256, pattern: P.headerName })) {
        const lower = (h.name as string).toLowerCase();
        if (seen.has(lower)) c.push(
          [...path, key],
          { type: 'Duplicate', value: { go: 'string', v: h.name as string } },
        );
        seen.add(lower);
      }
      c.str(h.value, [...hp, 'value'], { required: true, min: 1, max: 4096 });
    });
  }
  if (c.list(m.remove, [...path, 'remove'], { max: 16 })) {
    (m.remove as unknown[]).forEach((r, i) => c.str(r, [...path, 'remove', i], { required: true }));
  }
}

function checkPathModifier(c: Checker, p: unknown, path: Path): void {
  if (!c.isObject(p, path)) return;
  c.str(p.type, [...path, 'type'], { required: true, enum: ['ReplaceFullPath', 'ReplacePrefixMatch'] });
  c.str(p.replaceFullPath, [...path, 'replaceFullPath'], { max: 1024 });
  c.str(p.replacePrefixMatch, [...path, 'replacePrefixMatch'], { max: 1024 });
  c.celRules(path, [
    [p.type === 'ReplaceFullPath' && p.replaceFullPath === undefined,
      "replaceFullPath must be specified when type is set to 'ReplaceFullPath'"],
    [p.replaceFullPath !== undefined && p.type !== 'ReplaceFullPath',
      "type must be 'ReplaceFullPath' when replaceFullPath is set"],
    [p.type === 'ReplacePrefixMatch' && p.replacePrefixMatch === undefined,
      "replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'"],
    [p.replacePrefixMatch !== undefined && p.type !== 'ReplacePrefixMatch',
      "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set"],
  ]);
}

const FILTER_TYPES = [
  'RequestHeaderModifier',
  'ResponseHeaderModifier',
  'RequestMirror',
  'RequestRedirect',
  'URLRewrite',
  'ExtensionRef',
  'CORS',
];
const FILTER_FIELDS: Record<string, string> = {
  CORS: 'cors',
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestMirror: 'requestMirror',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  ExtensionRef: 'extensionRef',
};

function checkRequestMirror(c: Checker, rm: unknown, mp: Path): void {
  if (!c.isObject(rm, mp)) return;
  const bp = [...mp, 'backendRef'];
  if (rm.backendRef === undefined) c.required(bp);
  else if (c.isObject(rm.backendRef, bp)) checkBackendObjectRef(c, rm.backendRef, bp);
  c.int(rm.percent, [...mp, 'percent'], { min: 0, max: 100 });
  if (rm.percent !== undefined && rm.fraction !== undefined) c.cel(
    mp,
    'Only one of percent or fraction may be specified in HTTPRequestMirrorFilter',
  );
  const fr = rm.fraction;
  if (fr === undefined || !c.isObject(fr, [...mp, 'fraction'])) return;
  // Fraction (apis/v1 shared_types.go): numerator >= 0, denominator >= 1 (default 100), and their CEL rule.
  const okN = c.int(fr.numerator, [...mp, 'fraction', 'numerator'], { required: true, min: 0 });
  const okD = fr.denominator === undefined || c.int(fr.denominator, [...mp, 'fraction', 'denominator'], { min: 1 });
  const denominator = typeof fr.denominator === 'number' ? fr.denominator : 100;
  if (okN && okD && (fr.numerator as number) > denominator) {
    c.cel([...mp, 'fraction'], 'numerator must be less than or equal to denominator');
  }
}

/** HTTPCORSFilter's list sizes and maxAge (apis/v1 httproute_types.go). */
function checkCors(c: Checker, co: unknown, cp: Path): void {
  if (!c.isObject(co, cp)) return;
  const lists: [string, number][] = [['allowOrigins', 64], ['allowMethods', 9], ['allowHeaders', 64],
    ['exposeHeaders', 64]];
  for (const [field, max] of lists) c.list(co[field], [...cp, field], { max });
  c.int(co.maxAge, [...cp, 'maxAge'], { min: 1 });
}

function checkFilter(c: Checker, f: unknown, path: Path): void {
  if (!c.isObject(f, path)) return;
  c.str(f.type, [...path, 'type'], { required: true, enum: FILTER_TYPES });
  for (const [type, field] of Object.entries(FILTER_FIELDS)) {
    if (f[field] !== undefined && f.type !== type) c.cel(
      path,
      `filter.${field} must be nil if the filter.type is not ${type}`,
    );
    if (f[field] === undefined && f.type === type) c.cel(
      path,
      `filter.${field} must be specified for ${type} filter.type`,
    );
  }
  if (f.requestHeaderModifier !== undefined) checkHeaderModifier(
    c,
    f.requestHeaderModifier,
    [...path, 'requestHeaderModifier'],
  );
  if (f.responseHeaderModifier !== undefined) checkHeaderModifier(
    c,
    f.responseHeaderModifier,
    [...path, 'responseHeaderModifier'],
  );
  const rr = f.requestRedirect;
  if (rr !== undefined && c.isObject(rr, [...path, 'requestRedirect'])) {
    const rp = [...path, 'requestRedirect'];
    c.str(rr.scheme, [...rp, 'scheme'], { enum: ['http', 'https'] });
    c.str(rr.hostname, [...rp, 'hostname'], { min: 1, max: 253, pattern: P.hostname });
    c.int(rr.port, [...rp, 'port'], { min: 1, max: 65535 });
    const code = rr.statusCode;
    if (code !== undefined && typeof code === 'number' && ![301, 302, 303, 307, 308].includes(code)) {
      c.push(
        [...rp, 'statusCode'],
        {
          type: 'NotSupported',
          value: { go: 'int', v: code },
          supported: ['301', '302', '303', '307', '308'],
        },
      );
    } else c.int(rr.statusCode, [...rp, 'statusCode']);
    if (rr.path !== undefined) checkPathModifier(c, rr.path, [...rp, 'path']);
  }
  const uw = f.urlRewrite;
  if (uw !== undefined && c.isObject(uw, [...path, 'urlRewrite'])) {
    const up = [...path, 'urlRewrite'];
    c.str(uw.hostname, [...up, 'hostname'], { min: 1, max: 253, pattern: P.hostname });
    if (uw.path !== undefined) checkPathModifier(c, uw.path, [...up, 'path']);
  }
  if (f.requestMirror !== undefined) checkRequestMirror(c, f.requestMirror, [...path, 'requestMirror']);
  if (f.cors !== undefined) checkCors(c, f.cors, [...path, 'cors']);
  const er = f.extensionRef;
  if (er !== undefined && c.isObject(er, [...path, 'extensionRef'])) {
    const ep = [...path, 'extensionRef'];
    checkGroupKind(c, er, ep, { group: true, kind: true });
    c.str(er.name, [...ep, 'name'], { required: true, min: 1, max: 253 });
  }
}

function checkFilterList(c: Checker, filters: unknown, path: Path): Record<string, unknown>[] {
  if (!c.list(filters, path, { max: 16 })) return [];
  filters.forEach((f, i) => checkFilter(c, f, [...path, i]));
  const fs = filters.filter((f): f is Record<string, unknown> => !!f && typeof f === 'object');
  const count = (t: string) => fs.filter((f) => f.type === t).length;
  if (count('RequestRedirect') > 0 && count('URLRewrite') > 0) {
    c.cel(path, 'May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both');
  }
  for (const t of ['CORS', 'RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite']) {
    if (count(t) > 1) c.cel(path, `${t} filter cannot be repeated`);
  }
  return fs;
}

// ---------------------------------------------------------------- HTTPRoute

const PATH_TYPES = ['Exact', 'PathPrefix', 'RegularExpression'];

function checkPathMatch(c: Checker, p: unknown, path: Path): void {
  if (!c.isObject(p, path)) return;
  const type = p.type ?? 'PathPrefix';
  const value = p.value ?? '/';
  c.str(type, [...path, 'type'], { enum: PATH_TYPES });
  if (!c.str(value, [...path, 'value'], { max: 1024 })) return;
  const v = value as string;
  // The CEL rules of HTTPPathMatch, in the CRD's order.
  if (type === 'Exact' || type === 'PathPrefix') {
    const when = "when type one of ['Exact', 'PathPrefix']";
    if (!v.startsWith('/')) c.cel(path, `value must be an absolute path and start with '/' ${when}`);
    for (const bad of ['//', '/./', '/../', '%2f', '%2F', '#']) if (v.includes(bad)) c.cel(
      path,
      `must not contain '${bad}' ${when}`,
    );
    if (v.endsWith('/..')) c.cel(path, `must not end with '/..' ${when}`);
    if (v.endsWith('/.')) c.cel(path, `must not end with '/.' ${when}`);
  }
  if (!PATH_TYPES.includes(type as string)) c.cel(
    path,
    "type must be one of ['Exact', 'PathPrefix', 'RegularExpression']",
  );
  if ((type === 'Exact' || type === 'PathPrefix') && !P.validPath.test(v)) {
    c.cel(
      path,
      `must only contain valid characters (matching ${P.validPath.source}) for types ['Exact', 'PathPrefix']`,
    );
  }
}

function checkMatch(c: Checker, m: unknown, path: Path): void {
  if (!c.isObject(m, path)) return;
  if (m.path !== undefined) checkPathMatch(c, m.path, [...path, 'path']);
  for (const key of ['headers', 'queryParams'] as const) {
    const list = m[key];
    if (!c.list(list, [...path, key], { max: 16 })) continue;
    const seen = new Set<string>();
    list.forEach((h, i) => {
      const hp = [...path, key, i];
      if (!c.isObject(h, hp)) return;
      c.str(h.type, [...hp, 'type'], { enum: ['Exact', 'RegularExpression'] });
      if (c.str(h.name, [...hp, 'name'], { required: true, min: 1, max: 256, pattern: P.headerName })) {
        // listMapKey name: header names are case-insensitive, query param names are not.
        const k = key === 'headers' ? (h.name as string).toLowerCase() : (h.name as string);
        if (seen.has(k)) c.push(
          [...path, key, i],
          {
            type: 'Duplicate',
            value: { go: 'raw', text: `map[string]interface {}{"name":${JSON.stringify(h.name)}}` },
          },
        );
        seen.add(k);
      }
      c.str(h.value, [...hp, 'value'], { required: true, min: 1, max: key === 'headers' ? 4096 : 1024 });
    });
  }
  c.str(m.method, [...path, 'method'], { enum: P.method });
}

function prefixMatchCount(matches: unknown): number {
  if (!Array.isArray(matches)) return 1; // the default match is PathPrefix "/"
  return matches.filter(
    (m) => m && typeof m === 'object' && (
      (m as { path?: { type?: string } }).path?.type ?? 'PathPrefix'
    ) === 'PathPrefix'
  ).length;
}

function hasPrefixRewrite(fs: readonly Record<string, unknown>[], field: 'requestRedirect' | 'urlRewrite'): boolean {
  return fs.some((f) => {
    const x = f[field] as { path?: { type?: string } } | undefined;
    return x?.path?.type === 'ReplacePrefixMatch';
  });
}

function checkRule(c: Checker, r: unknown, path: Path): void {
  if (!c.isObject(r, path)) return;
  c.str(r.name, [...path, 'name'], { min: 1, max: 253, pattern: P.sectionName });
  if (c.list(
    r.matches,
    [...path, 'matches'],
    { max: 64 },
  )) r.matches.forEach((m, i) => checkMatch(c, m, [...path, 'matches', i]));
  const fs = checkFilterList(c, r.filters, [...path, 'filters']);
  const backendFilters: Record<string, unknown>[][] = [];
  c.each(r.backendRefs, [...path, 'backendRefs'], { max: 16 }, (b, bp) => {
    checkBackendObjectRef(c, b, bp);
    c.int(b.weight, [...bp, 'weight'], { min: 0, max: 1000000 });
    backendFilters.push(checkFilterList(c, b.filters, [...bp, 'filters']));
  });
  // CEL rules of HTTPRouteRule.
  const hasBackends = Array.isArray(r.backendRefs) && r.backendRefs.length > 0;
  const onePrefix = prefixMatchCount(r.matches) === 1 && (!Array.isArray(r.matches) || r.matches.length <= 1);
  const exactlyOne = 'with path.replacePrefixMatch, exactly one PathPrefix match must be specified';
  const inBackends = (field: 'requestRedirect' | 'urlRewrite') =>
    backendFilters.some((bf) => hasPrefixRewrite(bf, field));
  c.celRules(path, [
    [hasBackends && fs.some((f) => f.requestRedirect !== undefined),
      'RequestRedirect filter must not be used together with backendRefs'],
    [hasPrefixRewrite(fs, 'requestRedirect') && !onePrefix, `When using RequestRedirect filter ${exactlyOne}`],
    [hasPrefixRewrite(fs, 'urlRewrite') && !onePrefix, `When using URLRewrite filter ${exactlyOne}`],
    [inBackends('requestRedirect') && !onePrefix,
      `Within backendRefs, when using RequestRedirect filter ${exactlyOne}`],
    // The CRD's own capital "When" here.
    [inBackends('urlRewrite') && !onePrefix, `Within backendRefs, When using URLRewrite filter ${exactlyOne}`],
  ]);
}

function sameParent(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ns = (x: Record<string, unknown>) => (typeof x.namespace === 'string' ? x.namespace : '');
  const g = (x: Record<string, unknown>) => (typeof x.group === 'string' ? x.group : GATEWAY_GROUP);
  const k = (x: Record<string, unknown>) => (typeof x.kind === 'string' ? x.kind : 'Gateway');
  return g(a) === g(b) && k(a) === k(b) && a.name === b.name && ns(a) === ns(b);
}

export function validateHTTPRouteSpec(given: unknown): CrdFieldError[] {
  const { c, spec, path } = checkSpec(given);
  if (!spec) return c.errors;
  if (c.list(spec.parentRefs, [...path, 'parentRefs'], { max: 32 })) {
    const refs = spec.parentRefs;
    refs.forEach((p, i) => checkParentRef(c, p, [...path, 'parentRefs', i]));
    const objs = refs.filter((p): p is Record<string, unknown> => !!p && typeof p === 'object');
    // CEL: several references to one parent need distinct sectionNames (the standard channel's rule).
    const needSection = objs.some((p1) => objs.some((p2) => p1 !== p2 && sameParent(
      p1,
      p2,
    ) && (p1.sectionName ?? '') === '' && (p2.sectionName ?? '') === ''));
    const clash = objs.some((p1) => objs.some((p2) => p1 !== p2 && sameParent(
      p1,
      p2,
    ) && (p1.sectionName ?? '') === (p2.sectionName ?? '')));
    if (needSection) c.cel(
      [...path, 'parentRefs'],
      'sectionName must be specified when parentRefs includes 2 or more references to the same parent',
    );
    if (clash) c.cel(
      [...path, 'parentRefs'],
      'sectionName must be unique when parentRefs includes 2 or more references to the same parent',
    );
  }
  if (c.list(spec.hostnames, [...path, 'hostnames'], { max: 16 })) {
    spec.hostnames.forEach((h, i) => c.str(
      h,
      [...path, 'hostnames', i],
      { required: true, min: 1, max: 253, pattern: P.hostname },
    ));
  }
  if (c.list(spec.rules, [...path, 'rules'], { max: 16 })) {
    spec.rules.forEach((r, i) => checkRule(c, r, [...path, 'rules', i]));
    const matchesOf = (r: unknown): number => {
      const m = r && typeof r === 'object' ? (r as { matches?: unknown }).matches : undefined;
      return Array.isArray(m) ? m.length : 0;
    };
    const total = spec.rules.reduce<number>((n, r) => n + matchesOf(r), 0);
    if (total > 128) c.cel(
      [...path, 'rules'],
      'While 16 rules and 64 matches per rule are allowed, ' +
        'the total number of matches across all rules in a route must be less than 128',
    );
    const names = spec.rules.map(
      (r) => (r && typeof r === 'object' ? (r as { name?: unknown }).name : undefined)
    ).filter((n) => typeof n === 'string');
    if (new Set(names).size !== names.length) c.cel([...path, 'rules'], 'Rule name must be unique within the route');
  }
  return c.errors;
}

// ---------------------------------------------------------------- Gateway

// A protocol is a bare name (HTTP) or a domain-prefixed one (example.com/custom).
const PROTOCOL = new RegExp(
  '^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$' +
    '|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9]+$',
);

function checkListener(c: Checker, l: unknown, path: Path): void {
  if (!c.isObject(l, path)) return;
  c.str(l.name, [...path, 'name'], { required: true, min: 1, max: 253, pattern: P.sectionName });
  c.str(l.hostname, [...path, 'hostname'], { min: 1, max: 253, pattern: P.hostname });
  c.int(l.port, [...path, 'port'], { required: true, min: 1, max: 65535 });
  c.str(l.protocol, [...path, 'protocol'], { required: true, min: 1, max: 255, pattern: PROTOCOL });
  const tls = l.tls;
  if (tls !== undefined && c.isObject(tls, [...path, 'tls'])) {
    c.str(tls.mode, [...path, 'tls', 'mode'], { enum: ['Terminate', 'Passthrough'] });
    c.each(tls.certificateRefs, [...path, 'tls', 'certificateRefs'], { max: 64 }, (r, rp) => {
      checkGroupKind(c, r, rp);
      c.str(r.name, [...rp, 'name'], { required: true, min: 1, max: 253 });
      c.str(r.namespace, [...rp, 'namespace'], { min: 1, max: 63, pattern: P.namespace });
    });
    const mode = tls.mode ?? 'Terminate';
    const certs = Array.isArray(tls.certificateRefs) ? tls.certificateRefs.length : 0;
    const options = tls.options && typeof tls.options === 'object' ? Object.keys(tls.options).length : 0;
    if (mode === 'Terminate' && certs === 0 && options === 0) c.cel(
      [...path, 'tls'],
      'certificateRefs or options must be specified when mode is Terminate',
    );
  }
  const ar = l.allowedRoutes;
  if (ar !== undefined && c.isObject(ar, [...path, 'allowedRoutes'])) {
    const ns = ar.namespaces;
    if (ns !== undefined && c.isObject(ns, [...path, 'allowedRoutes', 'namespaces'])) {
      c.str(ns.from, [...path, 'allowedRoutes', 'namespaces', 'from'], { enum: ['All', 'Selector', 'Same'] });
    }
    const kinds = [...path, 'allowedRoutes', 'kinds'];
    c.each(ar.kinds, kinds, { max: 8 }, (k, kp) => checkGroupKind(c, k, kp, { kind: true }));
  }
}

/** The CEL rules of GatewaySpec.Listeners, in the CRD's order, over the listeners that are objects. */
function checkListenersCel(c: Checker, objs: readonly Record<string, unknown>[], lp: Path): void {
  const tlsMode = (l: Record<string, unknown>) =>
    l.tls && typeof l.tls === 'object' ? (l.tls as { mode?: string }).mode : undefined;
  const notTerminate = (l: Record<string, unknown>) => !['', 'Terminate'].includes(tlsMode(l) ?? '');
  const layer4 = (l: Record<string, unknown>) => ['TCP', 'UDP'].includes(l.protocol as string);
  const combos = objs.map((l) => `${String(l.port)}|${String(l.protocol)}|${String(l.hostname ?? '')}`);
  c.celRules(lp, [
    [objs.some((l) => ['HTTP', 'TCP', 'UDP'].includes(l.protocol as string) && l.tls !== undefined),
      "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']"],
    [objs.some((l) => l.protocol === 'HTTPS' && l.tls && typeof l.tls === 'object' && notTerminate(l)),
      'tls mode must be Terminate for protocol HTTPS'],
    [objs.some((l) => l.protocol === 'TLS' && !tlsMode(l)), 'tls mode must be set for protocol TLS'],
    [objs.some((l) => layer4(l) && l.hostname !== undefined && l.hostname !== ''),
      "hostname must not be specified for protocols ['TCP', 'UDP']"],
    [new Set(objs.map((l) => l.name)).size !== objs.length, 'Listener name must be unique within the Gateway'],
    [new Set(combos).size !== combos.length,
      'Combination of port, protocol and hostname must be unique for each listener'],
  ]);
}

export function validateGatewaySpec(given: unknown): CrdFieldError[] {
  const { c, spec, path } = checkSpec(given);
  if (!spec) return c.errors;
  c.str(spec.gatewayClassName, [...path, 'gatewayClassName'], { required: true, min: 1, max: 253 });
  if (!c.list(spec.listeners, [...path, 'listeners'], { required: true, min: 1, max: 64 })) return c.errors;
  const ls = spec.listeners;
  ls.forEach((l, i) => checkListener(c, l, [...path, 'listeners', i]));
  const objs = ls.filter((l): l is Record<string, unknown> => !!l && typeof l === 'object');
  checkListenersCel(c, objs, [...path, 'listeners']);
  c.each(spec.addresses, [...path, 'addresses'], { max: 16 }, (a, ap) => {
    c.str(a.value, [...ap, 'value'], { min: 1, max: 253 });
  });
  return c.errors;
}

// ---------------------------------------------------------------- GatewayClass, ReferenceGrant

export function validateGatewayClassSpec(given: unknown): CrdFieldError[] {
  const { c, spec, path } = checkSpec(given);
  if (!spec) return c.errors;
  c.str(
    spec.controllerName,
    [...path, 'controllerName'],
    { required: true, min: 1, max: 253, pattern: P.controllerName },
  );
  c.str(spec.description, [...path, 'description'], { max: 64 });
  return c.errors;
}

export function validateReferenceGrantSpec(given: unknown): CrdFieldError[] {
  const { c, spec, path } = checkSpec(given);
  if (!spec) return c.errors;
  const both = { group: true, kind: true };
  c.each(spec.from, [...path, 'from'], { required: true, min: 1, max: 16 }, (f, fp) => {
    checkGroupKind(c, f, fp, both);
    c.str(f.namespace, [...fp, 'namespace'], { required: true, min: 1, max: 63, pattern: P.namespace });
  });
  c.each(spec.to, [...path, 'to'], { required: true, min: 1, max: 16 }, (t, tp) => {
    checkGroupKind(c, t, tp, both);
    c.str(t.name, [...tp, 'name'], { min: 1, max: 253 });
  });
  return c.errors;
}

export const GATEWAY_API_KINDS: ReadonlySet<string> = new Set([
  'GatewayClass',
  'Gateway',
  'HTTPRoute',
  'ReferenceGrant',
]);

/** The CRD validation of one Gateway API object's spec (metadata is the generic apiserver's). */
export function validateGatewayApiObject(o: { kind: string; spec?: unknown }): CrdFieldError[] {
  switch (o.kind) {
    case 'GatewayClass':
      return validateGatewayClassSpec(o.spec);
    case 'Gateway':
      return validateGatewaySpec(o.spec);
    case 'HTTPRoute':
      return validateHTTPRouteSpec(o.spec);
    case 'ReferenceGrant':
      return validateReferenceGrantSpec(o.spec);
    default:
      return [];
  }
}

/**
 * metadata.generation as the apiextensions-apiserver keeps it for these custom resources (customresource
 * strategy PrepareForCreate / PrepareForUpdate): 1 on create; on update one more than before when anything
 * but metadata and status changed, else as before. Controllers write it back as each condition's
 * observedGeneration (conformance HTTPRouteObservedGenerationBump, GatewayObservedGenerationBump,
 * GatewayModifyListeners). A create keeps a generation the object already carries, as the store keeps a
 * given uid: the lab re-creates existing objects when it rebuilds a cluster (a Gateway edit) or loads a
 * snapshot. Undefined for other kinds (not modelled there).
 */
export function crdGeneration(obj: AnyObjectLike, old: AnyObjectLike | undefined): number | undefined {
  if (!GATEWAY_API_KINDS.has(obj.kind)) return undefined;
  const given = (obj.metadata as { generation?: unknown }).generation;
  if (!old) return typeof given === 'number' && Number.isInteger(given) && given > 0 ? given : 1;
  const before = (old.metadata as { generation?: unknown }).generation;
  const was = typeof before === 'number' ? before : 1;
  const { metadata: _m, status: _s, ...now } = obj;
  const { metadata: _om, status: _os, ...then } = old;
  return deepEqual(now, then) ? was : was + 1;
}

type AnyObjectLike = { kind: string; metadata: object; status?: unknown };

/** "HTTPRoute.gateway.networking.k8s.io" — how the apiserver names a custom resource in a StatusError. */
export function crdQualifiedKind(kind: string): string {
  return `${kind}.${GATEWAY_GROUP}`;
}
