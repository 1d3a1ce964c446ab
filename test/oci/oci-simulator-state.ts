// The tenancy the OCI API simulator pretends to be (see oci-api-simulator.ts): ids, region
// subscriptions, compartments, limits, clusters and OCIR repositories. Tests change it freely.

export interface SimRepository {
  id: string;
  compartmentId: string;
  displayName: string;
  namespace: string;
}

export interface SimAuthToken {
  id: string;
  userId: string;
  description: string;
  token: string;
}

export interface SimCluster {
  id: string;
  /** API server URL the kubeconfig points at. */
  server: string;
  caData: string;
  privateServer?: string;
  lifecycleState?: string;
}

export interface SimState {
  tenancyId: string;
  userId: string;
  userName: string;
  homeRegion: { key: string; name: string };
  /** Region name → status. */
  subscriptions: { regionKey: string; regionName: string; status: string; isHomeRegion: boolean }[];
  /** Compartment OCID → lifecycle state. */
  compartments: Map<string, { name: string; lifecycleState: string; parent: string }>;
  availabilityDomains: string[];
  /** `<service>/<limit>/<ad or "">` → availability. */
  limits: Map<string, { used: number; available: number }>;
  clusters: Map<string, SimCluster>;
  namespace: string;
  repositories: SimRepository[];
  authTokens: SimAuthToken[];
  /** Kubeconfig requests seen, for assertions on the requested token version and endpoint. */
  kubeconfigRequests: Record<string, unknown>[];
}

let counter = 0;
/** An OCID-shaped id: ocid1.<type>.oc1..<unique>; the unique part is long enough to validate. */
export function simOcid(type: string, region = ''): string {
  counter += 1;
  const unique = `aaaaaaaa${counter.toString(36).padStart(6, '0')}${'x'.repeat(46)}`;
  return `ocid1.${type}.oc1.${region}.${unique}`;
}

export function defaultState(): SimState {
  const tenancyId = simOcid('tenancy');
  const ads = ['Uocm:EU-FRANKFURT-1-AD-1', 'Uocm:EU-FRANKFURT-1-AD-2', 'Uocm:EU-FRANKFURT-1-AD-3'];
  const limits = new Map<string, { used: number; available: number }>();
  for (const ad of ads) {
    limits.set(`compute/standard-a1-core-count/${ad}`, { used: 0, available: 4 });
    limits.set(`compute/standard-a1-memory-count/${ad}`, { used: 0, available: 24 });
  }
  limits.set('load-balancer/lb-flexible-count/', { used: 0, available: 1 });
  return {
    tenancyId,
    userId: simOcid('user'),
    userName: 'devops@example.com',
    homeRegion: { key: 'FRA', name: 'eu-frankfurt-1' },
    subscriptions: [
      { regionKey: 'FRA', regionName: 'eu-frankfurt-1', status: 'READY', isHomeRegion: true },
    ],
    compartments: new Map([[tenancyId, { name: 'root', lifecycleState: 'ACTIVE', parent: '' }]]),
    availabilityDomains: ads,
    limits,
    clusters: new Map(),
    namespace: 'frxyzabc1234',
    repositories: [],
    authTokens: [],
    kubeconfigRequests: [],
  };
}
