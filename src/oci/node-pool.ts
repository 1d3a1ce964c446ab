// Node readiness as OCI sees it (the node pool's nodes and their lifecycle states). The
// terraform checkpoint uses this rather than the Kubernetes API because it runs before the
// kubeconfig phase has written any kubeconfig.
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import { openSession, sessionOptions } from './clients.js';

export async function activeNodeCount(
  config: Config,
  log: Logger,
  nodePoolId: string,
  region?: string,
): Promise<number> {
  const s = openSession({ ...sessionOptions(config, log), ...(region ? { region } : {}) });
  const ce = await s.containerEngine();
  const res = await s.call(`getNodePool ${nodePoolId}`, () => ce.getNodePool({ nodePoolId }));
  return (res.nodePool.nodes ?? []).filter((n) => n.lifecycleState === 'ACTIVE').length;
}
