// The smaller operations of the Kube contract: restart a rollout, ask the authorizer, read
// the server version.
import type { Transport } from './transport.js';
import type { AccessCheck } from './types.js';

/**
 * `kubectl rollout restart`: a new annotation value on the pod template is a template change,
 * so the Deployment controller rolls every pod. A strategic-merge patch under its own field
 * manager, so it never fights todo-infra's server-side apply over the template's other fields.
 */
export async function rolloutRestart(
  transport: Transport,
  namespace: string,
  name: string,
  now: Date = new Date(),
): Promise<void> {
  const ns = encodeURIComponent(namespace);
  const annotations = { 'kubectl.kubernetes.io/restartedAt': now.toISOString() };
  await transport.json({
    method: 'PATCH',
    path: `/apis/apps/v1/namespaces/${ns}/deployments/${encodeURIComponent(name)}`,
    query: { fieldManager: 'todo-infra-rollout' },
    contentType: 'application/strategic-merge-patch+json',
    body: { spec: { template: { metadata: { annotations } } } },
    what: `restart Deployment ${namespace}/${name}`,
  });
}

/** The identity the API server derives for a service account's token. */
export function serviceAccountIdentity(user: string): { user: string; groups: string[] } {
  const match = /^system:serviceaccount:([^:]+):[^:]+$/.exec(user);
  if (!match) return { user, groups: ['system:authenticated'] };
  return {
    user,
    groups: [
      'system:serviceaccounts',
      `system:serviceaccounts:${match[1]}`,
      'system:authenticated',
    ],
  };
}

/**
 * Asks the authorizer. With asUser, a SubjectAccessReview evaluates that identity (its groups
 * included, as its token would carry them) without needing impersonation rights; otherwise a
 * SelfSubjectAccessReview asks about the kubeconfig's own identity.
 */
export async function canI(transport: Transport, check: AccessCheck): Promise<boolean> {
  const resourceAttributes = {
    verb: check.verb,
    resource: check.resource,
    group: check.group,
    namespace: check.namespace,
    subresource: check.subresource,
  };
  const kind = check.asUser ? 'SubjectAccessReview' : 'SelfSubjectAccessReview';
  const spec = check.asUser
    ? { ...serviceAccountIdentity(check.asUser), resourceAttributes }
    : { resourceAttributes };
  const review = await transport.json<{ status?: { allowed?: boolean } }>({
    method: 'POST',
    path: `/apis/authorization.k8s.io/v1/${kind.toLowerCase()}s`,
    body: { apiVersion: 'authorization.k8s.io/v1', kind, spec },
    what: `${kind} for ${check.verb} ${check.resource}${check.asUser ? ` as ${check.asUser}` : ''}`,
  });
  return review.status?.allowed === true;
}

export async function serverVersion(transport: Transport): Promise<string> {
  const body = await transport.json<{ gitVersion?: string }>({
    method: 'GET',
    path: '/version',
    what: 'read the server version',
  });
  return body.gitVersion ?? 'unknown';
}
