// Steps and settings cd-dev and cd-prod share: the registry login, the kubectl setup, the
// ServiceAccount kubeconfig and the deploy itself.
import type { Config } from '../config/schema.js';
import { uses } from './actions.js';
import { deployTargets } from './deployer.js';
import {
  deployScript,
  kubeconfigScript,
  requireVarsScript,
  rollbackScript,
  rolloutStatusScript,
} from './scripts.js';
import { SECRETS, VARS, secret, variable } from './secrets.js';
import { script, type Step } from './workflow.js';

/** `<registry>/<namespace>`: the prefix of every image reference. */
export const IMAGE_PREFIX = `${variable(VARS.registry)}/${variable(VARS.namespace)}`;

export const requireVarsStep: Step = {
  name: 'Check repository variables',
  env: { [VARS.registry]: variable(VARS.registry), [VARS.namespace]: variable(VARS.namespace) },
  run: script(requireVarsScript([VARS.registry, VARS.namespace])),
};

export const ocirLoginStep: Step = {
  name: 'Log in to OCIR',
  uses: uses('login'),
  with: {
    registry: variable(VARS.registry),
    // OCIR user names are <tenancy namespace>/<user>; the token is the user's auth token.
    username: `${variable(VARS.namespace)}/${secret(SECRETS.ocirUser)}`,
    password: secret(SECRETS.ocirToken),
  },
};

/** kubectl matching the cluster's minor version (kubectl supports one minor of skew). */
export function kubectlStep(config: Config): Step {
  return {
    name: 'Install kubectl',
    uses: uses('setupKubectl'),
    with: { version: config.cluster.kubernetesVersion },
  };
}

export const kubeconfigStep: Step = {
  name: 'Write kubeconfig for the CI/CD ServiceAccount',
  env: {
    KUBE_API_SERVER: secret(SECRETS.apiServer),
    KUBE_CA_DATA: secret(SECRETS.caData),
    KUBE_SA_TOKEN: secret(SECRETS.saToken),
  },
  run: script(kubeconfigScript()),
};

/** Job-level env of a deploy job: what the scripts read besides secrets. */
export function deployEnv(config: Config): Record<string, string> {
  return {
    APP_NAMESPACE: config.apps.namespace,
    ROLLOUT_TIMEOUT: config.pipeline.rolloutTimeout,
  };
}

export function deploySteps(config: Config, withRollback: boolean): Step[] {
  const steps: Step[] = [
    kubectlStep(config),
    kubeconfigStep,
    {
      name: 'Update the Deployments',
      id: 'deploy',
      run: script(deployScript(deployTargets(config))),
    },
    {
      name: `Wait for the rollouts (${config.pipeline.rolloutTimeout} each)`,
      run: script(rolloutStatusScript()),
    },
  ];
  if (withRollback) {
    steps.push({
      name: 'Roll back every changed Deployment',
      if: '${{ failure() }}',
      run: script(rollbackScript()),
    });
  }
  return steps;
}
