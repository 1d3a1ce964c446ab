// The app Ingress (T062): `/` → frontend, `/api` → backend, on the chosen controller's class.
//
// Path handling: both paths are pathType Prefix, matched per path segment, longest first —
// `/api` and `/api/tasks/1` go to the backend, `/apidocs` and everything else to the frontend.
// Paths are forwarded unchanged (no rewrite), so the backend serves its routes under /api.
import type { Config } from '../../config/schema.js';
import type { KubeObject } from '../../kube/types.js';
import { managedLabels } from '../base/yaml.js';
import { securityHeaderAnnotations } from '../hardening/tls.js';
import { SERVICE_PORT } from './service.js';

export const APP_INGRESS_NAME = 'todo';

export function ingressObject(config: Config, className: string): KubeObject {
  const { host, tls } = config.ingress;
  const backend = (name: string) => ({ service: { name, port: { number: SERVICE_PORT } } });
  const rule: Record<string, unknown> = {
    http: {
      paths: [
        { path: '/api', pathType: 'Prefix', backend: backend('backend') },
        { path: '/', pathType: 'Prefix', backend: backend('frontend') },
      ],
    },
  };
  if (host) rule.host = host;
  // The hardening phase verifies these; they are set here because this phase owns the object
  // (one field manager: a second phase applying only annotations would drop the rest).
  const annotations = securityHeaderAnnotations(config);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: APP_INGRESS_NAME,
      namespace: config.apps.namespace,
      labels: managedLabels('ingress'),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: {
      ingressClassName: className,
      ...(tls.enabled && host ? { tls: [{ hosts: [host], secretName: tls.secretName }] } : {}),
      rules: [rule],
    },
  };
}
