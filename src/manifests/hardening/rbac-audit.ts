// Workload identity audit (runbook T161–T163). The apps phase already gives frontend and
// backend their own ServiceAccount with no token mounted (hardening.serviceAccountPerWorkload);
// hardening does not create or patch any: a second writer of a Deployment's
// serviceAccountName under the same server-side-apply field manager would take over (or drop)
// the fields the apps phase applies. Instead it audits what is running:
//
// - identity: which ServiceAccount each Deployment in the app namespace runs as — with
//   serviceAccountPerWorkload, its own (not `default`, not shared with another Deployment);
// - token: automountServiceAccountToken is false on the pod template or the ServiceAccount;
// - access: the API server's authorizer is asked (SubjectAccessReview, the account's groups
//   included) whether the account can do what no workload here needs: read Secrets, create
//   pods or exec into them, change Deployments or RBAC, impersonate, mint tokens.
import type { AccessCheck, Kube, KubeObject } from '../../kube/types.js';

/** What no app workload may do; `namespace: 'app'` means the app namespace. */
export const FORBIDDEN: ReadonlyArray<
  Omit<AccessCheck, 'asUser' | 'namespace'> & {
    scope: 'cluster' | 'app';
  }
> = [
  { verb: 'list', resource: 'secrets', scope: 'cluster' },
  { verb: 'get', resource: 'secrets', scope: 'app' },
  { verb: 'list', resource: 'secrets', scope: 'app' },
  { verb: 'create', resource: 'pods', scope: 'app' },
  { verb: 'create', resource: 'pods', subresource: 'exec', scope: 'app' },
  { verb: 'create', resource: 'deployments', group: 'apps', scope: 'app' },
  { verb: 'patch', resource: 'deployments', group: 'apps', scope: 'app' },
  { verb: 'create', resource: 'rolebindings', group: 'rbac.authorization.k8s.io', scope: 'app' },
  { verb: 'escalate', resource: 'roles', group: 'rbac.authorization.k8s.io', scope: 'app' },
  { verb: 'bind', resource: 'clusterroles', group: 'rbac.authorization.k8s.io', scope: 'cluster' },
  { verb: 'impersonate', resource: 'serviceaccounts', scope: 'cluster' },
  { verb: 'create', resource: 'serviceaccounts', subresource: 'token', scope: 'app' },
  { verb: 'list', resource: 'nodes', scope: 'cluster' },
];

export interface Workload {
  deployment: string;
  serviceAccount: string;
  automountOff: boolean;
}

type PodSpec = { serviceAccountName?: string; automountServiceAccountToken?: boolean };

export function workloadsOf(deployments: KubeObject[], accounts: KubeObject[]): Workload[] {
  type Sa = { automountServiceAccountToken?: boolean };
  const saMount = new Map(
    accounts.map((a) => [a.metadata.name, (a as Sa).automountServiceAccountToken]),
  );
  return deployments
    .map((d) => {
      const spec = (d.spec as { template?: { spec?: PodSpec } }).template?.spec ?? {};
      const serviceAccount = spec.serviceAccountName ?? 'default';
      // The pod's own setting wins over the ServiceAccount's; unset on both means mounted.
      const mount = spec.automountServiceAccountToken ?? saMount.get(serviceAccount);
      const automountOff = mount === false;
      return { deployment: d.metadata.name, serviceAccount, automountOff };
    })
    .sort((a, b) => a.deployment.localeCompare(b.deployment));
}

function describeCheck(c: (typeof FORBIDDEN)[number]): string {
  const what = `${c.resource}${c.subresource ? `/${c.subresource}` : ''}`;
  return `${c.verb} ${what}${c.scope === 'cluster' ? ' cluster-wide' : ''}`;
}

export interface RbacReport {
  workloads: Workload[];
  problems: string[];
  /** ServiceAccounts whose access was audited. */
  audited: string[];
}

export async function auditWorkloadAccess(
  kube: Kube,
  namespace: string,
  opts: { perWorkload: boolean },
): Promise<RbacReport> {
  const deployments = await kube.list('apps/v1', 'Deployment', namespace);
  const accounts = await kube.list('v1', 'ServiceAccount', namespace);
  const workloads = workloadsOf(deployments, accounts);
  const problems: string[] = [];
  const users = new Map<string, string[]>();
  for (const w of workloads)
    users.set(w.serviceAccount, [...(users.get(w.serviceAccount) ?? []), w.deployment]);
  for (const w of workloads) {
    if (!w.automountOff) {
      problems.push(
        `Deployment ${w.deployment} mounts the API token of ServiceAccount ` +
          `${w.serviceAccount} (set automountServiceAccountToken: false)`,
      );
    }
    if (!opts.perWorkload) continue;
    if (w.serviceAccount === 'default') {
      problems.push(`Deployment ${w.deployment} runs as the namespace's default ServiceAccount`);
    } else if ((users.get(w.serviceAccount) ?? []).length > 1) {
      problems.push(
        `Deployment ${w.deployment} shares ServiceAccount ${w.serviceAccount} with ` +
          `${users
            .get(w.serviceAccount)
            ?.filter((d) => d !== w.deployment)
            .join(', ')}`,
      );
    }
  }
  const audited = [...users.keys()].sort();
  for (const sa of audited) {
    const asUser = `system:serviceaccount:${namespace}:${sa}`;
    for (const c of FORBIDDEN) {
      const { scope, ...check } = c;
      const allowed = await kube.canI({
        ...check,
        asUser,
        ...(scope === 'app' ? { namespace } : {}),
      });
      if (allowed) problems.push(`ServiceAccount ${namespace}/${sa} can ${describeCheck(c)}`);
    }
  }
  return { workloads, problems, audited };
}
