// Field errors as the apiserver reports them (k8s.io/apimachinery/pkg/util/validation/field):
// "<path>: <Type>: <value>: <detail>", wrapped in a StatusError "The <Kind> "<name>" is invalid: ...".

export type FieldErrorType =
  | 'Invalid'
  | 'Required'
  | 'Forbidden'
  | 'NotSupported'
  | 'Duplicate'
  | 'TooLong'
  | 'TooMany';

/** A value as Go's %v / %q / %#v would print it in field.Error.ErrorBody. */
export type GoValue =
  | { go: 'string'; v: string }
  | { go: 'int'; v: number }
  | { go: 'bool'; v: boolean }
  | { go: 'raw'; text: string };

export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: GoValue;
  detail?: string;
  /** For NotSupported: the allowed values, already sorted as the apiserver sorts them. */
  supported?: string[];
}

export const str = (v: string): GoValue => ({ go: 'string', v });
export const int = (v: number): GoValue => ({ go: 'int', v });
export const raw = (text: string): GoValue => ({ go: 'raw', text });

const TYPE_TEXT: Record<FieldErrorType, string> = {
  Invalid: 'Invalid value',
  Required: 'Required value',
  Forbidden: 'Forbidden',
  NotSupported: 'Unsupported value',
  Duplicate: 'Duplicate value',
  TooLong: 'Too long',
  TooMany: 'Too many',
};

function goText(v: GoValue): string {
  switch (v.go) {
    case 'string':
      return JSON.stringify(v.v);
    case 'int':
      return String(v.v);
    case 'bool':
      return String(v.v);
    case 'raw':
      return v.text;
  }
}

/** field.Error.Error(): "spec.ports[0].nodePort: Invalid value: 8888: provided port is not in the valid range..." */
export function formatFieldError(e: FieldError): string {
  let body = TYPE_TEXT[e.type];
  if (e.type === 'Invalid' || e.type === 'NotSupported' || e.type === 'Duplicate' || e.type === 'TooMany') {
    body += `: ${e.value ? goText(e.value) : 'null'}`;
  }
  if (e.type === 'NotSupported' && e.supported) {
    body += `: supported values: ${e.supported.map((s) => JSON.stringify(s)).join(', ')}`;
  } else if (e.detail) {
    body += `: ${e.detail}`;
  }
  return `${e.field}: ${body}`;
}

export const invalid = (
  field: string,
  value: GoValue,
  detail: string,
): FieldError => ({ type: 'Invalid', field, value, detail });
export const required = (field: string, detail = ''): FieldError => ({ type: 'Required', field, detail });
export const forbidden = (field: string, detail: string): FieldError => ({ type: 'Forbidden', field, detail });
export const duplicate = (field: string, value: GoValue): FieldError => ({ type: 'Duplicate', field, value });
export const notSupported = (field: string, value: GoValue, supported: string[]): FieldError => ({
  type: 'NotSupported',
  field,
  value,
  supported,
});

export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * One rejection, as a value. `message` is the whole text kubectl would print after "Error from server
 * (...)": e.g. `The Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 8888: ...`.
 */
export interface ApiProblem {
  ref: ObjectRef;
  /** Field path ("spec.ports[0].nodePort"); empty for whole-object errors (NotFound, Forbidden, AlreadyExists). */
  field: string;
  message: string;
  /** kubectl's "Error from server (<reason>)": Invalid, Forbidden, AlreadyExists, NotFound, InternalError. */
  reason: 'Invalid' | 'Forbidden' | 'AlreadyExists' | 'NotFound' | 'InternalError';
}

/** One problem per field error, each carrying the full StatusError text for that field. */
export function invalidProblems(ref: ObjectRef, errors: readonly FieldError[]): ApiProblem[] {
  return errors.map((e) => ({
    ref,
    field: e.field,
    reason: 'Invalid',
    message: `The ${ref.kind} ${JSON.stringify(ref.name)} is invalid: ${formatFieldError(e)}`,
  }));
}

/** The aggregate text the apiserver returns when several fields are wrong: "... is invalid: [a, b]". */
export function invalidMessage(ref: ObjectRef, errors: readonly FieldError[]): string {
  const parts = errors.map(formatFieldError);
  const body = parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
  return `The ${ref.kind} ${JSON.stringify(ref.name)} is invalid: ${body}`;
}

/** The plural resource a kind is served as, for NotFound/AlreadyExists/Forbidden messages. */
export const RESOURCE: Readonly<Record<string, string>> = {
  Namespace: 'namespaces',
  Node: 'nodes',
  Pod: 'pods',
  Deployment: 'deployments.apps',
  ReplicaSet: 'replicasets.apps',
  DaemonSet: 'daemonsets.apps',
  StatefulSet: 'statefulsets.apps',
  ControllerRevision: 'controllerrevisions.apps',
  Service: 'services',
  Endpoints: 'endpoints',
  EndpointSlice: 'endpointslices.discovery.k8s.io',
  Ingress: 'ingresses.networking.k8s.io',
  IngressClass: 'ingressclasses.networking.k8s.io',
  Secret: 'secrets',
  ConfigMap: 'configmaps',
  GatewayClass: 'gatewayclasses.gateway.networking.k8s.io',
  Gateway: 'gateways.gateway.networking.k8s.io',
  HTTPRoute: 'httproutes.gateway.networking.k8s.io',
  ReferenceGrant: 'referencegrants.gateway.networking.k8s.io',
};

export function resourceOf(kind: string): string {
  return RESOURCE[kind] ?? `${kind.toLowerCase()}s`;
}
