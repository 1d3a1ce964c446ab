// F5 NGINX Ingress Controller (chart oci://ghcr.io/nginx/charts/nginx-ingress). The default:
// kubernetes/ingress-nginx is retired, this one is maintained and NGINX-based.
//
// Values keys follow the chart's values.yaml (nginx/kubernetes-ingress, charts/nginx-ingress).
// Object names follow its helpers: with release "nginx-ingress" (which contains the chart
// name) the full name is the release name, and the controller Deployment and Service are
// "<fullname>-controller".
import type { Config } from '../../config/schema.js';
import type { ControllerEnv, IngressController } from './controller.js';
import { ociLbAnnotations } from './oci-lb.js';

const RELEASE = 'nginx-ingress';
const CONTROLLER = `${RELEASE}-controller`;

function values(config: Config, env: ControllerEnv): Record<string, unknown> {
  const ing = config.ingress;
  return {
    controller: {
      kind: 'deployment',
      // One replica: the single A1 node has no room for two, and the LB health-checks it.
      replicaCount: 1,
      ingressClass: { name: ing.className, create: true, setAsDefaultIngress: false },
      // Without a host the Ingress matches any host on the LB address; F5's controller only
      // serves host-less Ingresses when told to.
      ...(ing.host ? {} : { allowEmptyIngressHost: true }),
      // Only standard Ingress objects are used; the VirtualServer CRDs would cost a watch
      // and memory for nothing.
      enableCustomResources: false,
      // The controller would otherwise report usage to F5 from the user's cluster.
      telemetryReporting: { enable: false },
      nodeSelector: { 'kubernetes.io/arch': 'arm64' },
      resources: {
        requests: { ...ing.resources.requests },
        limits: { ...ing.resources.limits },
      },
      service: {
        type: 'LoadBalancer',
        // Local keeps the client source IP for logs and rate limits.
        externalTrafficPolicy: 'Local',
        annotations: ociLbAnnotations(config, env.lbSubnetId),
      },
    },
    // Metrics stay off until the monitoring phase scrapes them.
    prometheus: { create: false },
  };
}

export const f5Nginx: IngressController = {
  id: 'f5-nginx',
  title: 'F5 NGINX Ingress Controller',
  release: RELEASE,
  chart: (config) => config.charts.ingress,
  values,
  serviceName: () => CONTROLLER,
  deployments: () => [CONTROLLER],
  className: (config) => config.ingress.className,
};
