// Dapr sidecar annotations for the app pods (names from Dapr's injector, pkg/injector
// annotations). The injector reads them when a pod is created, so changing any of them only
// takes effect through a new pod (a rollout).
import type { Config } from '../../config/schema.js';

/** The Dapr Configuration resource the apps use; created by the dapr phase. */
export const DAPR_CONFIG_NAME = 'appconfig';

export function daprAnnotations(
  config: Config,
  appId: string,
  port: number,
): Record<string, string> {
  const sidecar = config.dapr.sidecar;
  return {
    'dapr.io/enabled': 'true',
    'dapr.io/app-id': appId,
    'dapr.io/app-port': String(port),
    'dapr.io/config': DAPR_CONFIG_NAME,
    'dapr.io/log-as-json': String(config.dapr.logAsJson),
    'dapr.io/sidecar-cpu-request': sidecar.requests.cpu,
    'dapr.io/sidecar-cpu-limit': sidecar.limits.cpu,
    'dapr.io/sidecar-memory-request': sidecar.requests.memory,
    'dapr.io/sidecar-memory-limit': sidecar.limits.memory,
    // The restricted Pod Security profile requires a seccomp profile on every container,
    // the injected daprd included; the injector sets it only when asked.
    'dapr.io/sidecar-seccomp-profile-type': 'RuntimeDefault',
  };
}
