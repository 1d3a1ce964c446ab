// cd-prod.yaml: a person starts it with the image tag to release (a sha-<commit> tag cd-dev
// pushed). A first job checks the tag's syntax and that all three images exist, so nobody is
// asked to approve a deploy that cannot work. The deploy job is bound to the production
// environment: GitHub holds it until one of the environment's required reviewers approves,
// and environment secrets of the same names (another cluster, another token) override the
// repository's. If the rollout fails, every Deployment this run changed is rolled back to its
// previous revision before the job fails.
import type { Config } from '../config/schema.js';
import {
  IMAGE_PREFIX,
  deployEnv,
  deploySteps,
  ocirLoginStep,
  requireVarsStep,
} from './deploy-steps.js';
import { images } from './images.js';
import { imagesExistScript, validateTagScript } from './scripts.js';
import { BASH_DEFAULTS, RUNNER, script, type Workflow } from './workflow.js';

export const TAG_INPUT = 'image_tag';

export function cdProdWorkflow(config: Config): Workflow {
  const repositories = images(config).map((i) => i.repository);
  return {
    name: 'CD (production)',
    'run-name': `Deploy \${{ inputs.${TAG_INPUT} }} to ${config.pipeline.productionEnvironment}`,
    on: {
      workflow_dispatch: {
        inputs: {
          [TAG_INPUT]: {
            description: 'Image tag to deploy (e.g. sha-<commit> from cd-dev)',
            required: true,
            type: 'string',
          },
        },
      },
    },
    permissions: {},
    concurrency: { group: 'deploy-production', 'cancel-in-progress': false },
    env: { IMAGE_PREFIX, IMAGE_TAG: `\${{ inputs.${TAG_INPUT} }}` },
    defaults: BASH_DEFAULTS,
    jobs: {
      validate: {
        name: 'Check the tag and the images',
        'runs-on': RUNNER,
        permissions: {},
        'timeout-minutes': 10,
        steps: [
          { name: 'Check the tag', run: script(validateTagScript()) },
          requireVarsStep,
          ocirLoginStep,
          { name: 'Check the images exist', run: script(imagesExistScript(repositories)) },
        ],
      },
      deploy: {
        name: `Deploy to ${config.pipeline.productionEnvironment}`,
        'runs-on': RUNNER,
        needs: ['validate'],
        environment: { name: config.pipeline.productionEnvironment },
        permissions: {},
        'timeout-minutes': 45,
        env: deployEnv(config),
        steps: deploySteps(config, true),
      },
    },
  };
}
