// cd-dev.yaml: every push to the main branch builds the three images for linux/amd64 and
// linux/arm64 (the A1 nodes are arm64; amd64 keeps the images usable on laptops and other
// runners), pushes them to OCIR as sha-<commit> and latest, and rolls the sha tag out to the
// cluster as the CI/CD ServiceAccount. One deploy at a time: the concurrency group queues a
// second push behind the first instead of letting two rollouts race.
import type { Config } from '../config/schema.js';
import { uses } from './actions.js';
import { checkoutStep } from './ci.js';
import {
  IMAGE_PREFIX,
  deployEnv,
  deploySteps,
  ocirLoginStep,
  requireVarsStep,
} from './deploy-steps.js';
import { imageMatrix } from './images.js';
import { BASH_DEFAULTS, RUNNER, type Job, type Workflow } from './workflow.js';

export const DEV_PLATFORMS = 'linux/amd64,linux/arm64';

function buildJob(config: Config): Job {
  const ref = `\${{ env.IMAGE_PREFIX }}/\${{ matrix.image }}`;
  return {
    name: 'Build and push ${{ matrix.image }}',
    'runs-on': RUNNER,
    permissions: { contents: 'read' },
    'timeout-minutes': 60,
    strategy: {
      'fail-fast': true,
      matrix: {
        include: imageMatrix(config),
      },
    },
    steps: [
      checkoutStep,
      requireVarsStep,
      // Emulates arm64 on the amd64 runner; only the arm64 half of the build needs it.
      { name: 'Set up QEMU', uses: uses('setupQemu'), with: { platforms: 'arm64' } },
      { name: 'Set up Docker Buildx', uses: uses('setupBuildx') },
      ocirLoginStep,
      {
        name: 'Build and push',
        uses: uses('buildPush'),
        with: {
          context: '${{ matrix.context }}',
          file: '${{ matrix.dockerfile }}',
          platforms: DEV_PLATFORMS,
          push: true,
          tags: `${ref}:\${{ env.IMAGE_TAG }}\n${ref}:latest`,
          'cache-from': 'type=gha,scope=${{ matrix.image }}',
          'cache-to': 'type=gha,mode=max,scope=${{ matrix.image }}',
        },
      },
    ],
  };
}

export function cdDevWorkflow(config: Config): Workflow {
  return {
    name: 'CD (dev)',
    on: { push: { branches: [config.pipeline.mainBranch] } },
    permissions: {},
    concurrency: { group: 'deploy-dev', 'cancel-in-progress': false },
    env: { IMAGE_PREFIX, IMAGE_TAG: 'sha-${{ github.sha }}' },
    defaults: BASH_DEFAULTS,
    jobs: {
      build: buildJob(config),
      deploy: {
        name: 'Deploy to the cluster',
        'runs-on': RUNNER,
        needs: ['build'],
        // Talks only to the cluster, with the ServiceAccount token: no repository access.
        permissions: {},
        'timeout-minutes': 30,
        env: deployEnv(config),
        steps: deploySteps(config, false),
      },
    },
  };
}
