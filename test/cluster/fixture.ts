// What a cluster test file uses to reach the suite's control plane (see README.md):
//
//   import { useCluster } from '../cluster/fixture.ts';
//   const cluster = useCluster();          // at file top level
//   it('...', () => { cluster.kubeconfigPath ... });
//
// useCluster() reads what test/cluster/global-setup.ts provided and registers a hook that
// marks the control plane's data dir as failed when a test fails, so the component logs are
// kept for the post-mortem instead of being deleted at teardown.
import { beforeEach, inject } from 'vitest';
import { markFailed } from './datadir.ts';
import { kubeClient, type KubeClient } from './kube-client.ts';

export interface ClusterInfo {
  kubeconfigPath: string;
  /** https://127.0.0.1:<port> */
  server: string;
  dataDir: string;
  /** gitVersion the API server reports, e.g. "v1.36.3". */
  version: string;
  nodeNames: string[];
  crdNames: string[];
  pids: Record<string, number>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    todoInfraCluster: ClusterInfo;
  }
}

/** The suite's control plane; fails clearly when the globalSetup is not configured. */
export function clusterInfo(): ClusterInfo {
  const info = inject('todoInfraCluster');
  if (!info) {
    throw new Error(
      'no local control plane was provided: add test/cluster/global-setup.ts to ' +
        'the `globalSetup` of this vitest project (see test/cluster/README.md)',
    );
  }
  return info;
}

/** Call once at the top level of a test file. */
export function useCluster(): ClusterInfo & { client: () => KubeClient } {
  const info = clusterInfo();
  beforeEach((ctx) => {
    ctx.onTestFailed(() => markFailed(info.dataDir));
  });
  let client: KubeClient | undefined;
  return { ...info, client: () => (client ??= kubeClient(info.kubeconfigPath)) };
}
