// vitest globalSetup: ONE local control plane for the whole cluster test project.
//
// It starts before any test file of the project runs, hands the tests its coordinates through
// vitest's provide/inject (key `todoInfraCluster`, read with test/cluster/fixture.ts), and is
// stopped after the last file. Component logs are kept when any test failed (the fixture marks
// the data dir) or TODO_INFRA_KEEP_CLUSTER_LOGS=1; the kept path is printed.
//
// Environment: TODO_INFRA_TEST_NODES (fake A1 workers, default 1).
import type { TestProject } from 'vitest/node';
import { startControlPlane } from './control-plane.ts';
import type { ClusterInfo } from './fixture.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const nodes = Number(process.env.TODO_INFRA_TEST_NODES ?? '1');
  const cp = await startControlPlane({ nodes });
  const info: ClusterInfo = {
    kubeconfigPath: cp.kubeconfigPath,
    server: cp.server,
    dataDir: cp.dataDir,
    version: cp.version,
    nodeNames: cp.nodeNames,
    crdNames: cp.crdNames,
    pids: cp.pids,
  };
  project.provide('todoInfraCluster', info);
  return async () => {
    await cp.stop();
  };
}
