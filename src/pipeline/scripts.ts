// The bash scripts the deploy jobs run. Rules they all follow:
// - Secrets arrive through `env:` only; a script never contains `${{ secrets.* }}`, so a value
//   can't be spliced into shell code and the secret-scanning tests can check that by text.
// - No secret is printed. A value derived from a secret (the API server's host) is masked with
//   `::add-mask::` first, because GitHub masks only the exact secret strings.
// - User input (the prod image tag) is validated before use and never echoed back.
// - kubectl commands are written `kubectl SUB [SUB] KIND/NAME --flags`, the form the RBAC
//   cross-check (deployer.ts) reads, and their kinds and verbs must be ones the deployer Role
//   grants.
import type { DeployTarget } from './deployer.js';

/** The deploy step records `<deployment> <revision before>` here for each Deployment it changed. */
const CHANGED = '"${RUNNER_TEMP}/changed-deployments"';

export function requireVarsScript(names: string[]): string {
  return (
    [
      'missing=0',
      `for name in ${names.join(' ')}; do`,
      '  if [ -z "${!name:-}" ]; then',
      '    echo "::error::variable ${name} is not set; see infrastructure/README.md"',
      '    missing=1',
      '  fi',
      'done',
      'exit "${missing}"',
    ].join('\n') + '\n'
  );
}

/**
 * Writes a kubeconfig that authenticates as the CI/CD ServiceAccount with its token, so what a
 * workflow can do is bounded by the deployer Role (an OCI API key would act as its user).
 * printf is a shell builtin, so the token never appears in a process's arguments.
 */
export function kubeconfigScript(): string {
  return `umask 077
: "\${KUBE_API_SERVER:?the KUBE_API_SERVER secret is empty; see infrastructure/README.md}"
: "\${KUBE_CA_DATA:?the KUBE_CA_DATA secret is empty; see infrastructure/README.md}"
: "\${KUBE_SA_TOKEN:?the KUBE_SA_TOKEN secret is empty; see infrastructure/README.md}"
# kubectl's connection errors show host:port without the scheme; GitHub would not mask that.
host="\${KUBE_API_SERVER#*://}"
host="\${host%%/*}"
echo "::add-mask::\${host}"
ca="$(printf '%s' "\${KUBE_CA_DATA}" | tr -d '[:space:]')"
kubeconfig="\${RUNNER_TEMP}/kubeconfig"
{
  echo 'apiVersion: v1'
  echo 'kind: Config'
  echo 'clusters:'
  echo '- name: oke'
  echo '  cluster:'
  printf '    server: %s\\n' "\${KUBE_API_SERVER}"
  printf '    certificate-authority-data: %s\\n' "\${ca}"
  echo 'users:'
  echo '- name: deployer'
  echo '  user:'
  printf '    token: %s\\n' "\${KUBE_SA_TOKEN}"
  echo 'contexts:'
  echo '- name: deploy'
  echo '  context:'
  echo '    cluster: oke'
  echo '    user: deployer'
  printf '    namespace: %s\\n' "\${APP_NAMESPACE}"
  echo 'current-context: deploy'
} > "\${kubeconfig}"
echo "KUBECONFIG=\${kubeconfig}" >> "\${GITHUB_ENV}"
`;
}

/**
 * Points each target Deployment's app container at the new image. A Deployment already at that
 * image is left alone (and so is not "changed" for the rollback); every other one is recorded
 * with its current revision before it is patched, so a failed deploy can undo exactly these.
 */
export function deployScript(targets: DeployTarget[]): string {
  const lines = targets.map((t) => `  "${t.deployment} ${t.container} ${t.repository}"`);
  return `changed=${CHANGED}
: > "\${changed}"
targets=(
${lines.join('\n')}
)
for entry in "\${targets[@]}"; do
  read -r deployment container repository <<< "\${entry}"
  image="\${IMAGE_PREFIX}/\${repository}:\${IMAGE_TAG}"
  current="$(kubectl get deployment "\${deployment}" --namespace "\${APP_NAMESPACE}" \\
    -o "jsonpath={.spec.template.spec.containers[?(@.name=='\${container}')].image}")"
  if [ "\${current}" = "\${image}" ]; then
    echo "\${deployment}: already runs \${image}"
    continue
  fi
  revision="$(kubectl get deployment "\${deployment}" --namespace "\${APP_NAMESPACE}" \\
    -o 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}')"
  echo "\${deployment} \${revision:-0}" >> "\${changed}"
  kubectl set image "deployment/\${deployment}" --namespace "\${APP_NAMESPACE}" \\
    "\${container}=\${image}"
done
`;
}

/** Waits for every changed Deployment; fails on the first one past ROLLOUT_TIMEOUT. */
export function rolloutStatusScript(): string {
  return `mapfile -t entries < ${CHANGED}
if [ "\${#entries[@]}" -eq 0 ]; then
  echo "No Deployment changed; nothing to wait for."
  exit 0
fi
for entry in "\${entries[@]}"; do
  read -r deployment _ <<< "\${entry}"
  kubectl rollout status "deployment/\${deployment}" --namespace "\${APP_NAMESPACE}" \\
    --timeout "\${ROLLOUT_TIMEOUT}"
done
`;
}

/**
 * Runs only when an earlier step failed: returns every changed Deployment to the revision it
 * had before this run, and waits for that. It keeps going past a Deployment it cannot roll
 * back so the others are still restored; the job fails either way (the deploy step failed).
 */
export function rollbackScript(): string {
  return `set +e
if [ ! -s ${CHANGED} ]; then
  echo "No Deployment was changed; nothing to roll back."
  exit 0
fi
mapfile -t entries < ${CHANGED}
status=0
for entry in "\${entries[@]}"; do
  read -r deployment revision <<< "\${entry}"
  echo "::warning::rolling \${deployment} back to revision \${revision}"
  if ! kubectl rollout undo "deployment/\${deployment}" --namespace "\${APP_NAMESPACE}" \\
    --to-revision "\${revision}"; then
    status=1
    continue
  fi
  kubectl rollout status "deployment/\${deployment}" --namespace "\${APP_NAMESPACE}" \\
    --timeout "\${ROLLOUT_TIMEOUT}" || status=1
done
exit "\${status}"
`;
}

/** Checks the prod image tag's syntax (the Docker tag grammar) without echoing it. */
export function validateTagScript(): string {
  return `if ! [[ "\${IMAGE_TAG}" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then
  echo "::error::image_tag must be 1-128 letters, digits, '_', '.' or '-', not starting with . or -"
  exit 1
fi
`;
}

/** Fails unless every image the deploy would use exists in OCIR under the tag. */
export function imagesExistScript(repositories: string[]): string {
  return `for repository in ${repositories.join(' ')}; do
  ref="\${IMAGE_PREFIX}/\${repository}:\${IMAGE_TAG}"
  if ! docker buildx imagetools inspect "\${ref}" > /dev/null; then
    echo "::error::\${ref} does not exist in the registry; build it with cd-dev first"
    exit 1
  fi
  echo "found \${ref}"
done
`;
}
