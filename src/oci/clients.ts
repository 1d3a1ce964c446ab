// SDK clients, created on first use. The per-service packages are imported dynamically so a
// command that never talks to OCI (render, --help, the token command on a cache hit) does not
// pay for loading them. `oci.endpoint` sends every client to one base URL — the tests' local
// stand-in — while the code paths stay exactly those used against the real cloud.
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import { loadOciAuth, type OciAuth } from './auth.js';
import { DEFAULT_RETRY, ociCall, type CallContext, type RetryPolicy } from './call.js';
import { signingHttpClient } from './http.js';
import type { IdentityClient } from 'oci-identity';
import type { LimitsClient } from 'oci-limits';
import type { ContainerEngineClient } from 'oci-containerengine';
import type { ArtifactsClient } from 'oci-artifacts';

export interface OciSessionOptions {
  configFile: string;
  profile: string;
  region?: string;
  tenancyId?: string;
  endpoint?: string;
  log: Logger;
  retry?: RetryPolicy;
  signal?: AbortSignal;
}

export interface OciSession extends CallContext {
  readonly auth: OciAuth;
  readonly region: string;
  readonly endpoint: string | undefined;
  identity(): Promise<IdentityClient>;
  limits(): Promise<LimitsClient>;
  containerEngine(): Promise<ContainerEngineClient>;
  artifacts(): Promise<ArtifactsClient>;
  /** Runs one API call with the session's retry policy and error mapping. */
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
}

/** The session options a todo-infra.yaml describes. */
export function sessionOptions(config: Config, log: Logger): OciSessionOptions {
  return {
    configFile: config.oci.configFile,
    profile: config.oci.profile,
    region: config.oci.region,
    tenancyId: config.oci.tenancyId,
    endpoint: config.oci.endpoint,
    log,
  };
}

/** Reads and checks the credentials now (so errors surface early); clients come later. */
export function openSession(options: OciSessionOptions): OciSession {
  const auth = loadOciAuth(options);
  const endpoint = options.endpoint?.replace(/\/+$/, '');
  const cache = new Map<string, Promise<unknown>>();

  async function build<T extends Routable>(name: string, make: (a: ClientArgs) => Promise<T>) {
    let pending = cache.get(name) as Promise<T> | undefined;
    if (!pending) {
      pending = (async () => {
        const client = await make(await clientArgs(auth));
        if (endpoint) client.endpoint = endpoint;
        else client.regionId = auth.region;
        return client;
      })();
      cache.set(name, pending);
    }
    return pending;
  }

  const session: OciSession = {
    auth,
    region: auth.region,
    endpoint,
    log: options.log,
    retry: options.retry ?? DEFAULT_RETRY,
    profile: auth.profile,
    configFile: auth.configFile,
    signal: options.signal,
    identity: () =>
      build('identity', async (a) => new (await import('oci-identity')).IdentityClient(...a)),
    limits: () => build('limits', async (a) => new (await import('oci-limits')).LimitsClient(...a)),
    containerEngine: () =>
      build(
        'ce',
        async (a) => new (await import('oci-containerengine')).ContainerEngineClient(...a),
      ),
    artifacts: () =>
      build('artifacts', async (a) => new (await import('oci-artifacts')).ArtifactsClient(...a)),
    call: (what, fn) => ociCall(session, what, fn),
  };
  return session;
}

interface Routable {
  endpoint: string;
  regionId: string;
}

type ClientArgs = [
  { httpClient: import('oci-common').HttpClient },
  import('oci-common').ClientConfiguration,
];

async function clientArgs(auth: OciAuth): Promise<ClientArgs> {
  const common = await import('oci-common');
  const provider = new common.SimpleAuthenticationDetailsProvider(
    auth.keyTenancyId,
    auth.userId,
    auth.fingerprint,
    auth.privateKeyPem,
    null,
  );
  return [
    // Our HTTP client signs with the SDK's signer; see http.ts for why it is not the SDK's.
    { httpClient: await signingHttpClient(provider) },
    {
      // One retry policy (ours, in call.ts); see the header comment.
      retryConfiguration: common.NoRetryConfigurationDetails,
      circuitBreaker: new common.CircuitBreaker({ disableClientCircuitBreaker: true }),
    },
  ];
}
