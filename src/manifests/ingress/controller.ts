// The ingress controller behind a small interface. The ingress phase only asks a controller
// for its chart, values and the names of what it creates; adding another implementation
// (e.g. a Gateway API one such as NGINX Gateway Fabric) means one new file and one entry in
// CONTROLLERS — plus a value in the ingress.controller enum of the config schema.
import type { Config } from '../../config/schema.js';
import type { ChartSource } from '../../config/sections/common.js';
import { f5Nginx } from './f5-nginx.js';

/** What the environment adds to the values (known only at run time). */
export interface ControllerEnv {
  /** OCID of the subnet the OCI load balancer goes in (terraform output lb_subnet_id). */
  lbSubnetId?: string;
}

export interface IngressController {
  id: Config['ingress']['controller'];
  title: string;
  /** Helm release name (fixed: the object names below derive from it). */
  release: string;
  chart(config: Config): ChartSource;
  values(config: Config, env: ControllerEnv): Record<string, unknown>;
  /** The Service of type LoadBalancer that receives the public address. */
  serviceName(config: Config): string;
  /** Deployments whose rollout means the controller is up. */
  deployments(config: Config): string[];
  /** The ingressClassName app Ingresses use. */
  className(config: Config): string;
}

const CONTROLLERS: Record<Config['ingress']['controller'], IngressController> = {
  'f5-nginx': f5Nginx,
};

export function ingressController(config: Config): IngressController {
  return CONTROLLERS[config.ingress.controller];
}
