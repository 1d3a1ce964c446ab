// Runs every preflight check in parallel: local tools always, cloud checks for the OKE target.
import type { Config } from '../config/schema.js';
import { checkTools } from './tools.js';
import type { CheckOutcome } from './types.js';

export async function runChecks(
  config: Config,
  options: { cloud: boolean; signal?: AbortSignal },
): Promise<CheckOutcome[]> {
  const cloud = options.cloud ? loadCloudChecks(config, options.signal) : Promise.resolve([]);
  const [tools, remote] = await Promise.all([checkTools(config, options.signal), cloud]);
  return [...tools, ...remote];
}

async function loadCloudChecks(config: Config, signal?: AbortSignal): Promise<CheckOutcome[]> {
  // The OCI layer (and its SDK) is imported only when cloud checks are asked for.
  const { cloudChecks } = await import('../oci/checks.js');
  // Ctrl-C during the preflight phase stops the API retries instead of waiting them out.
  return cloudChecks(config, { signal });
}
