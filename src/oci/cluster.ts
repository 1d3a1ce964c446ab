// Cluster facts from the Container Engine API, for checkpoints that must tell "the cluster is
// gone or still CREATING" from "the kubeconfig is wrong". The terraform phase can plug these
// in as its clusterState / listAvailabilityDomains dependencies.
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import { availabilityDomains } from './capacity.js';
import { openSession, sessionOptions, type OciSession } from './clients.js';

export async function clusterLifecycleState(s: OciSession, clusterId: string): Promise<string> {
  const ce = await s.containerEngine();
  const res = await s.call(`getCluster ${clusterId}`, () => ce.getCluster({ clusterId }));
  return String(res.cluster.lifecycleState ?? 'UNKNOWN');
}

/** For TerraformPhaseDeps.clusterState: a session from the config, one call. */
export function clusterStateFromConfig(
  config: Config,
  log: Logger,
  clusterId: string,
  region?: string,
): Promise<string> {
  const s = openSession({ ...sessionOptions(config, log), ...(region ? { region } : {}) });
  return clusterLifecycleState(s, clusterId);
}

/** For TerraformPhaseDeps.listAvailabilityDomains. */
export function availabilityDomainsFromConfig(config: Config, log: Logger): Promise<string[]> {
  return availabilityDomains(openSession(sessionOptions(config, log)));
}
