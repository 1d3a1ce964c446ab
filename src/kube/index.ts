// The Kubernetes layer's entry point. createKube() loads @kubernetes/client-node on first use
// (a dynamic import): `todo-infra --help`, `config` and `plan` never pay for it.
import type { Kube } from './types.js';
import type { KubeOptions } from './options.js';

export type { KubeOptions } from './options.js';
export type * from './types.js';
export { parseManifests, describeRef, refOf } from './manifests.js';
export { sortForApply } from './order.js';

/**
 * A Kube for the kubeconfig that --kubeconfig / KUBECONFIG / ~/.kube/config / in-cluster
 * selects, with --context. Fails with a coded error when the file or context is missing;
 * does not contact the server (the first call does; `serverVersion()` checks reachability).
 */
export async function createKube(options: KubeOptions = {}): Promise<Kube> {
  const { KubeClient } = await import('./client.js');
  return new KubeClient(options);
}
