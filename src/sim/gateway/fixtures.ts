// Manifests the Gateway API tests share: the conformance suite's echo backend (an echo-basic
// Deployment behind a Service on port 8080), as conformance/base/manifests.yaml declares its
// infra backends.

/** The image the conformance suite's backends run (echo.ts answers for it like echo-basic). */
export const ECHO = 'gcr.io/k8s-staging-gateway-api/echo-basic:v20231214-v1.0.0-140-gf544a46e';

/** A Deployment of one echo-basic pod labelled `app: <name>` and its Service on 8080, as YAML documents. */
export function echoBackend(name: string, ns: string): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: echo, image: ${ECHO}, ports: [{containerPort: 3000}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec: {selector: {app: ${name}}, ports: [{port: 8080, targetPort: 3000}]}
---
`;
}
