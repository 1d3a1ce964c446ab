// The how-to parts of the pipeline README section: creating each credential, the production
// approval gate, the OCI exec credential alternative, and rolling back by hand. Commands use
// the OCI CLI (`oci`), kubectl and the GitHub CLI (`gh`); values piped into `gh secret set`
// never land in the terminal or shell history.
import type { Config } from '../config/schema.js';
import { CI_SERVICE_ACCOUNT, deployTargets } from './deployer.js';
import { SECRETS, VARS } from './secrets.js';

const fence = (...lines: string[]): string[] => ['```sh', ...lines, '```'];

export function credentialsDoc(config: Config, host: string | undefined): string[] {
  const region = config.oci.region ?? '<region, e.g. eu-frankfurt-1>';
  const ns = config.registry.namespace;
  const sa = CI_SERVICE_ACCOUNT;
  const appNs = config.apps.namespace;
  return [
    '### Creating each one',
    '',
    'The `oci` commands use your OCI API key (the profile `oci setup config` wrote to',
    '`~/.oci/config`, the same one todo-infra uses); run them as a user allowed to manage',
    'auth tokens and read the cluster.',
    '',
    `**\`${VARS.registry}\`**: ` +
      (host ? `\`${host}\` for this config.` : 'the region key in lower case, then `.ocir.io`:'),
    ...(host
      ? []
      : [
          '',
          ...fence(
            `key=$(oci iam region list --query "data[?name=='${region}'].key | [0]" --raw-output)`,
            `gh variable set ${VARS.registry} \\`,
            `  --body "$(echo "$key" | tr '[:upper:]' '[:lower:]').ocir.io"`,
          ),
        ]),
    '',
    `**\`${VARS.namespace}\`**: ` +
      (ns ? `\`${ns}\` for this config.` : "the tenancy's Object Storage namespace:"),
    '',
    ...fence(
      `gh variable set ${VARS.namespace} --body "$(oci os ns get --query data --raw-output)"`,
    ),
    '',
    `**\`${SECRETS.ocirUser}\`**: the user name shown in the Console under Identity → Users,`,
    'without the namespace (federated users: `oracleidentitycloudservice/<email>`; users of a',
    'non-default identity domain: `<domain>/<user>`). The workflows log in as',
    `\`<${VARS.namespace}>/<${SECRETS.ocirUser}>\`.`,
    '',
    `**\`${SECRETS.ocirToken}\`**: an auth token of that user (a user may hold at most two;`,
    'it is shown only once):',
    '',
    ...fence(
      'oci iam auth-token create --user-id <user OCID> --description github-actions-ocir \\',
      `  --query data.token --raw-output | gh secret set ${SECRETS.ocirToken}`,
    ),
    '',
    `**\`${SECRETS.apiServer}\`** and **\`${SECRETS.caData}\`**: from a kubeconfig for the`,
    `cluster. Its OCID: \`oci ce cluster list --compartment-id <compartment OCID> --name`,
    `${config.cluster.name} --lifecycle-state ACTIVE --query 'data[0].id' --raw-output\`.`,
    '',
    ...fence(
      'oci ce cluster create-kubeconfig --cluster-id <cluster OCID> --file ./oke-ci.kubeconfig \\',
      `  --region ${region} --token-version 2.0.0 --kube-endpoint PUBLIC_ENDPOINT`,
      'kubectl config view --kubeconfig ./oke-ci.kubeconfig --raw \\',
      `  -o jsonpath='{.clusters[0].cluster.server}' | gh secret set ${SECRETS.apiServer}`,
      'kubectl config view --kubeconfig ./oke-ci.kubeconfig --raw \\',
      "  -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' \\",
      `  | gh secret set ${SECRETS.caData}`,
      'rm ./oke-ci.kubeconfig',
    ),
    '',
    `**\`${SECRETS.saToken}\`**: a token of the ServiceAccount \`${sa.name}\` (namespace`,
    `\`${appNs}\`), which phase \`base\` creates with the deployer Role. Either the long-lived`,
    'token Secret (valid until the Secret is deleted — delete it to revoke):',
    '',
    ...fence(
      `kubectl get secret ${sa.tokenSecret} --namespace ${appNs} -o jsonpath='{.data.token}' \\`,
      `  | base64 -d | gh secret set ${SECRETS.saToken}`,
    ),
    '',
    'or a token that expires (the API server may shorten the duration; renew it before then):',
    '',
    ...fence(
      `kubectl create token ${sa.name} --namespace ${appNs} --duration 2160h \\`,
      `  | gh secret set ${SECRETS.saToken}`,
    ),
  ];
}

export function operationsDoc(config: Config): string[] {
  const env = config.pipeline.productionEnvironment;
  const appNs = config.apps.namespace;
  const timeout = config.pipeline.rolloutTimeout;
  const names = deployTargets(config).map((t) => t.deployment);
  return [
    '### Approval for production',
    '',
    `The deploy job of \`cd-prod.yaml\` runs in the GitHub environment \`${env}\`. Create it`,
    `under Settings → Environments → New environment (\`${env}\`), tick **Required reviewers**`,
    'and name the people or teams who approve releases: GitHub then pauses every production',
    'deploy until one of them approves it in the run page. Without that setting the',
    'environment exists but nothing waits. Limit **Deployment branches and tags** to the',
    'main branch too. Secrets set on the environment override repository secrets of the same',
    `name for that job, e.g. a separate \`${SECRETS.apiServer}\`/\`${SECRETS.saToken}\` for a`,
    'production cluster.',
    '',
    '### Alternative: the OCI exec credential',
    '',
    'Instead of a ServiceAccount token, a kubeconfig can call',
    '`oci ce cluster generate-token --cluster-id <cluster OCID> --region <region>` as an exec',
    'credential (what `oci ce cluster create-kubeconfig` writes). The workflow then needs the OCI',
    'CLI on the runner and an API key (user OCID, tenancy OCID, fingerprint, private key,',
    'region) as secrets, and CI acts as that OCI user: what it may do is set by IAM policies',
    "and by the cluster's RBAC bindings for the user's OCID, not by the deployer Role. Use it",
    'only with a dedicated user whose OCID is bound to the deployer Role and nothing else;',
    'todo-infra renders the ServiceAccount variant because its bounds are visible in the cluster.',
    '',
    '### Rolling back by hand',
    '',
    '1. Preferred: run **CD (production)** again (Actions → CD (production) → Run workflow)',
    '   with the last good tag. The tags a run deployed are in its title.',
    '2. Without GitHub, with a kubeconfig allowed to patch the Deployments, for each of',
    `   ${names.map((n) => `\`${n}\``).join(', ')}:`,
    '',
    ...fence(
      `kubectl rollout history deployment/<name> --namespace ${appNs}`,
      `kubectl rollout undo deployment/<name> --namespace ${appNs} --to-revision <revision>`,
      `kubectl rollout status deployment/<name> --namespace ${appNs} --timeout ${timeout}`,
    ),
    '',
    '   Without `--to-revision`, `undo` returns to the revision before the current one.',
    '3. The next push to the main branch deploys again through `cd-dev.yaml`: revert the bad',
    '   commit, or pause that workflow while you investigate (`gh workflow disable cd-dev.yaml`).',
    '',
  ];
}
