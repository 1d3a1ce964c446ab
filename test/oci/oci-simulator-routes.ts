// Request routing for the OCI API simulator (header: oci-api-simulator.ts). Paths and field
// names follow the oci-* SDK packages' request builders and models (see their lib/client.js).
import { randomBytes } from 'node:crypto';
import { simOcid, type SimState } from './oci-simulator-state.ts';

export interface Answer {
  status: number;
  body: unknown;
  type?: string;
}

const notFound: Answer = {
  status: 404,
  body: {
    code: 'NotAuthorizedOrNotFound',
    message: 'Authorization failed or requested resource not found.',
  },
};
const ok = (body: unknown): Answer => ({ status: 200, body });

export function route(s: SimState, method: string, url: URL, body: unknown): Answer {
  const p = url.pathname;
  const q = url.searchParams;
  let m: RegExpExecArray | null;
  // ---- Identity
  if (method === 'GET' && (m = /^\/20160918\/tenancies\/([^/]+)$/.exec(p))) {
    if (m[1] !== s.tenancyId) return notFound;
    return ok({ id: s.tenancyId, name: 'sim-tenancy', homeRegionKey: s.homeRegion.key });
  }
  if (method === 'GET' && (m = /^\/20160918\/tenancies\/([^/]+)\/regionSubscriptions$/.exec(p))) {
    return m[1] === s.tenancyId ? ok(s.subscriptions) : notFound;
  }
  if (method === 'GET' && (m = /^\/20160918\/compartments\/([^/]+)$/.exec(p))) {
    const c = s.compartments.get(m[1] ?? '');
    if (!c) return notFound;
    return ok({
      id: m[1],
      compartmentId: c.parent || s.tenancyId,
      name: c.name,
      description: c.name,
      timeCreated: '2024-01-01T00:00:00.000Z',
      lifecycleState: c.lifecycleState,
    });
  }
  if (method === 'GET' && p === '/20160918/availabilityDomains') {
    if (q.get('compartmentId') !== s.tenancyId) return notFound;
    return ok(
      s.availabilityDomains.map((name, i) => ({
        name,
        id: simOcid('availabilitydomain'),
        compartmentId: s.tenancyId,
        index: i,
      })),
    );
  }
  if (method === 'GET' && (m = /^\/20160918\/users\/([^/]+)$/.exec(p))) {
    if (m[1] !== s.userId) return notFound;
    return ok({
      id: s.userId,
      compartmentId: s.tenancyId,
      name: s.userName,
      description: 'sim',
      timeCreated: '2024-01-01T00:00:00.000Z',
      lifecycleState: 'ACTIVE',
    });
  }
  if ((m = /^\/20160918\/users\/([^/]+)\/authTokens$/.exec(p))) {
    if (m[1] !== s.userId) return notFound;
    if (method === 'GET') {
      return ok(
        s.authTokens.map(({ token: _t, ...rest }) => ({ ...rest, lifecycleState: 'ACTIVE' })),
      );
    }
    if (method === 'POST') {
      const description = (body as { description?: string } | undefined)?.description;
      if (!description)
        return {
          status: 400,
          body: { code: 'InvalidParameter', message: 'description is required' },
        };
      // OCIR auth tokens are 20 printable characters, shown once.
      const token = randomBytes(15).toString('base64').replace(/[+/=]/g, 'x');
      const t = { id: simOcid('credential'), userId: s.userId, description, token };
      s.authTokens.push(t);
      return ok({ ...t, lifecycleState: 'ACTIVE', timeCreated: new Date().toISOString() });
    }
  }
  // ---- Limits
  if (
    method === 'GET' &&
    (m = /^\/20190729\/services\/([^/]+)\/limits\/([^/]+)\/resourceAvailability$/.exec(p))
  ) {
    if (!s.compartments.has(q.get('compartmentId') ?? '')) return notFound;
    const v = s.limits.get(`${m[1]}/${m[2]}/${q.get('availabilityDomain') ?? ''}`);
    return v ? ok(v) : notFound;
  }
  // ---- Container Engine
  if (method === 'GET' && (m = /^\/20180222\/clusters\/([^/]+)$/.exec(p))) {
    const c = s.clusters.get(m[1] ?? '');
    if (!c) return notFound;
    return ok({
      id: c.id,
      name: 'todo-oke',
      compartmentId: s.tenancyId,
      kubernetesVersion: 'v1.34.1',
      lifecycleState: c.lifecycleState ?? 'ACTIVE',
      type: 'BASIC_CLUSTER',
      endpoints: {
        publicEndpoint: c.server.replace(/^https:\/\//, ''),
        privateEndpoint: c.privateServer?.replace(/^https:\/\//, ''),
      },
    });
  }
  if (method === 'POST' && (m = /^\/20180222\/clusters\/([^/]+)\/kubeconfig\/content$/.exec(p))) {
    const cluster = s.clusters.get(m[1] ?? '');
    if (!cluster) return notFound;
    s.kubeconfigRequests.push((body ?? {}) as Record<string, unknown>);
    const endpoint = (body as { endpoint?: string } | undefined)?.endpoint;
    const server = endpoint === 'PRIVATE_ENDPOINT' ? cluster.privateServer : cluster.server;
    if (!server)
      return { status: 400, body: { code: 'InvalidParameter', message: `no ${endpoint}` } };
    return {
      status: 200,
      body: okeKubeconfig(cluster.id, server, cluster.caData, s.homeRegion.name),
      type: 'application/x-yaml',
    };
  }
  // ---- Artifacts (OCIR)
  if (method === 'GET' && p === '/20160918/container/configuration') {
    return ok({ isRepositoryCreatedOnFirstPush: false, namespace: s.namespace });
  }
  if (p === '/20160918/container/repositories') {
    if (method === 'GET') {
      const items = s.repositories.filter(
        (r) =>
          r.compartmentId === q.get('compartmentId') &&
          (!q.get('displayName') || r.displayName === q.get('displayName')),
      );
      return ok({
        items: items.map(repoSummary),
        repositoryCount: items.length,
        imageCount: 0,
        layerCount: 0,
        layersSizeInBytes: 0,
        remainingItemsCount: 0,
      });
    }
    if (method === 'POST') {
      const d = body as { compartmentId?: string; displayName?: string; isPublic?: boolean };
      if (!d?.compartmentId || !d.displayName) {
        return {
          status: 400,
          body: { code: 'InvalidParameter', message: 'compartmentId and displayName are required' },
        };
      }
      // Repository names are unique per tenancy namespace, not per compartment.
      if (s.repositories.some((r) => r.displayName === d.displayName)) {
        return {
          status: 409,
          body: {
            code: 'NAMESPACE_CONFLICT',
            message: `repository ${d.displayName} already exists`,
          },
        };
      }
      const r = {
        id: simOcid('containerrepo'),
        compartmentId: d.compartmentId,
        displayName: d.displayName,
        namespace: s.namespace,
      };
      s.repositories.push(r);
      return ok({ ...repoSummary(r), isImmutable: false, readme: null });
    }
  }
  return {
    status: 404,
    body: { code: 'NotFound', message: `simulator has no route for ${method} ${p}` },
  };
}

interface Repo {
  id: string;
  compartmentId: string;
  displayName: string;
  namespace: string;
}

function repoSummary(r: Repo) {
  return {
    ...r,
    imageCount: 0,
    isPublic: false,
    layerCount: 0,
    layersSizeInBytes: 0,
    lifecycleState: 'AVAILABLE',
    timeCreated: '2024-01-01T00:00:00.000Z',
    billableSizeInGBs: 0,
    freeformTags: {},
    definedTags: {},
    systemTags: {},
  };
}

/** The kubeconfig OKE hands out for token version 2.0.0: its user runs the OCI CLI. */
function okeKubeconfig(clusterId: string, server: string, ca: string, region: string): string {
  const short = clusterId.slice(-11);
  return [
    '---',
    'apiVersion: v1',
    'kind: ""',
    'clusters:',
    `- name: cluster-${short}`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    `- name: user-${short}`,
    '  user:',
    '    exec:',
    '      apiVersion: client.authentication.k8s.io/v1beta1',
    '      args: ["ce", "cluster", "generate-token", "--cluster-id", ' +
      `"${clusterId}", "--region", "${region}"]`,
    '      command: oci',
    '      env: []',
    'contexts:',
    `- name: context-${short}`,
    '  context:',
    `    cluster: cluster-${short}`,
    `    user: user-${short}`,
    `current-context: context-${short}`,
    '',
  ].join('\n');
}
