// OCIR: the registry host and namespace, the repositories (created idempotently), an auth
// token when asked, and the image pull secret built in memory. The auth token is shown by OCI
// exactly once; it is registered for redaction the instant it arrives and only ever lives in
// this process's memory and in the Kubernetes Secret.
import { TodoInfraError } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';
import type { KubeObject } from '../kube/types.js';
import type { OciSession } from './clients.js';

export interface RepositoryResult {
  name: string;
  id?: string;
  action: 'created' | 'exists' | 'exists-elsewhere';
}

/**
 * `<region key>.ocir.io`. The key comes from the SDK's region table (eu-frankfurt-1 → fra);
 * the ocir.io domain is the commercial realm's (oc1), so other realms must set registry.host.
 */
export async function ocirHost(region: string, configured?: string): Promise<string> {
  if (configured) return configured;
  const { Region } = await import('oci-common');
  // fromRegionId returns undefined for regions the SDK does not know, despite its type.
  const known = Region.fromRegionId(region) as ReturnType<typeof Region.fromRegionId> | undefined;
  if (!known?.regionCode || known.realm.realmId !== 'oc1') {
    throw new TodoInfraError('OCIR_HOST_UNKNOWN', `no OCIR host is known for region ${region}`, {
      source: 'user',
      hint:
        "Set registry.host to your registry host (the console's Container Registry " +
        'page shows it).',
    });
  }
  return `${known.regionCode}.ocir.io`;
}

/** The tenancy's Object Storage namespace, which OCIR uses as the first path segment. */
export async function ocirNamespace(s: OciSession, configured?: string): Promise<string> {
  if (configured) return configured;
  const artifacts = await s.artifacts();
  const res = await s.call('getContainerConfiguration', () =>
    artifacts.getContainerConfiguration({ compartmentId: s.auth.tenancyId }),
  );
  return res.containerConfiguration.namespace;
}

async function findRepository(s: OciSession, compartmentId: string, name: string) {
  const artifacts = await s.artifacts();
  const res = await s.call(`listContainerRepositories ${name}`, () =>
    artifacts.listContainerRepositories({ compartmentId, displayName: name }),
  );
  return res.containerRepositoryCollection.items.find((r) => r.displayName === name);
}

/** Lists first, creates what is missing; 409 (the name is taken in the namespace) is success. */
export async function ensureRepositories(
  s: OciSession,
  compartmentId: string,
  names: string[],
): Promise<RepositoryResult[]> {
  const artifacts = await s.artifacts();
  const out: RepositoryResult[] = [];
  for (const name of names) {
    const existing = await findRepository(s, compartmentId, name);
    if (existing) {
      out.push({ name, id: existing.id, action: 'exists' });
      continue;
    }
    try {
      const res = await s.call(`createContainerRepository ${name}`, () =>
        artifacts.createContainerRepository({
          createContainerRepositoryDetails: {
            compartmentId,
            displayName: name,
            isPublic: false,
            isImmutable: false,
          },
        }),
      );
      out.push({ name, id: res.containerRepository.id, action: 'created' });
    } catch (err) {
      // Names are unique per namespace, so a 409 means it exists in another compartment
      // (or was created concurrently): pushes to <namespace>/<name> work either way.
      if ((err as { code?: string }).code !== 'OCI_CONFLICT') throw err;
      s.log.verbose(`repository ${name} already exists outside compartment ${compartmentId}`);
      out.push({ name, action: 'exists-elsewhere' });
    }
  }
  return out;
}

export async function missingRepositories(
  s: OciSession,
  compartmentId: string,
  names: string[],
): Promise<string[]> {
  const found = await Promise.all(names.map((n) => findRepository(s, compartmentId, n)));
  return names.filter((_, i) => !found[i]);
}

/** Creates an OCIR auth token for the profile's user; the value is redacted from here on. */
export async function createAuthToken(s: OciSession, description: string): Promise<string> {
  const identity = await s.identity();
  const res = await s.call('createAuthToken', () =>
    identity.createAuthToken({
      userId: s.auth.userId,
      createAuthTokenDetails: { description },
    }),
  );
  const token = res.authToken.token;
  if (!token) {
    throw new TodoInfraError('OCIR_TOKEN_MISSING', 'OCI created an auth token without a value', {
      source: 'tool',
      hint: 'Delete the new token in the console (Profile → Auth tokens) and re-run.',
    });
  }
  registerSecret(token);
  return token;
}

/** `<namespace>/<user name>`, the OCIR login of the profile's user. */
export async function ocirUsername(s: OciSession, namespace: string): Promise<string> {
  const identity = await s.identity();
  const res = await s.call('getUser', () => identity.getUser({ userId: s.auth.userId }));
  return `${namespace}/${res.user.name}`;
}

/** The `.dockerconfigjson` document; every form of the secret in it is registered. */
export function dockerConfigJson(host: string, username: string, password: string): string {
  const pair = `${username}:${password}`;
  registerSecret(password);
  registerSecret(pair); // also registers base64(pair), the `auth` field
  const json = JSON.stringify({
    auths: { [host]: { username, password, auth: Buffer.from(pair).toString('base64') } },
  });
  registerSecret(json); // and base64(json), the Secret's data value
  return json;
}

export function pullSecret(
  name: string,
  namespace: string,
  host: string,
  username: string,
  password: string,
): KubeObject {
  const json = dockerConfigJson(host, username, password);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'todo-infra' } },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(json).toString('base64') },
  };
}

/** Who a pull secret logs in as, for a host — without returning or logging the password. */
export function pullSecretLogin(secret: KubeObject | undefined, host: string): string | undefined {
  const data = (secret?.data as Record<string, string> | undefined)?.['.dockerconfigjson'];
  if (!data || secret?.type !== 'kubernetes.io/dockerconfigjson') return undefined;
  try {
    const doc = JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as {
      auths?: Record<string, { username?: string; password?: string }>;
    };
    const entry = doc.auths?.[host];
    return entry?.username && entry.password ? entry.username : undefined;
  } catch {
    return undefined;
  }
}
