// Runs the Kubernetes layer's tests against one real local control plane (test/cluster/):
//   npx vitest run -c test/kube/cluster.vitest.config.ts
// Until the root vitest config has a cluster project that includes test/kube/*.cluster.test.ts
// (with test/cluster/global-setup.ts as its globalSetup), this is how they run.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/kube/**/*.cluster.test.ts'],
    globalSetup: ['test/cluster/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 900_000,
  },
});
