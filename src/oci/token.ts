// The OKE exec credential, generated natively so the OCI CLI is not needed. Same construction as
// `oci ce cluster generate-token`: sign `GET https://containerengine.<region>.oraclecloud.com/
// cluster_request/<cluster-id>` with the API key (headers date, (request-target), host), move
// the resulting `authorization` and `date` headers into the query string, and base64url-encode
// the whole URL (padding kept, as Python's urlsafe_b64encode does). The API server hands the
// token to OKE, which replays the signature check; the signature's date bounds its life, and
// like the CLI we tell kubectl it expires after 4 minutes so it asks again before OCI's
// 5-minute clock-skew window closes.
//
// kubectl runs this on every command, so a token is cached (mode 600) and reused until
// shortly before that expiry, and a cache hit loads neither the key nor any SDK.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { usageError } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';
import { writeFileAtomic } from '../engine/atomic-file.js';
import { isOcid } from '../config/ocid.js';
import { loadOciAuth, type OciAuth } from './auth.js';
import { authorizationHeader, httpDate } from './signature.js';

/** How long kubectl may use a token (the OCI CLI's value). */
export const TOKEN_LIFETIME_MS = 4 * 60_000;
/** A cached token is not handed out when it has less than this left. */
export const REFRESH_MARGIN_MS = 30_000;

export interface TokenOptions {
  clusterId: string;
  region: string;
  profile?: string;
  configFile?: string;
  /** Cache directory root; the default is ~/.cache/todo-infra (XDG_CACHE_HOME honoured). */
  stateDir?: string;
  /** Base URL replacing https://containerengine.<region>.oraclecloud.com (tests). */
  endpoint?: string;
  /** Clock, for tests of expiry. */
  now?: () => Date;
}

export interface OkeToken {
  token: string;
  expirationTimestamp: string;
}

export function clusterRequestUrl(clusterId: string, region: string, endpoint?: string): URL {
  const base = endpoint?.replace(/\/+$/, '') ?? `https://containerengine.${region}.oraclecloud.com`;
  return new URL(`${base}/cluster_request/${encodeURIComponent(clusterId)}`);
}

export function generateToken(
  auth: OciAuth,
  clusterId: string,
  region: string,
  endpoint?: string,
  now = new Date(),
): OkeToken {
  const url = clusterRequestUrl(clusterId, region, endpoint);
  const date = httpDate(now);
  const authorization = authorizationHeader({
    method: 'GET',
    url,
    headers: { date, host: url.host },
    signed: ['date', '(request-target)', 'host'],
    keyId: auth.keyId,
    key: auth.key,
  });
  url.searchParams.set('authorization', authorization);
  url.searchParams.set('date', date);
  const token = Buffer.from(url.toString(), 'utf8')
    .toString('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
  registerSecret(token);
  const expiry = new Date(now.getTime() + TOKEN_LIFETIME_MS).toISOString().replace(/\.\d+Z$/, 'Z');
  return { token, expirationTimestamp: expiry };
}

export function execCredential(t: OkeToken): string {
  return JSON.stringify({
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    kind: 'ExecCredential',
    status: { token: t.token, expirationTimestamp: t.expirationTimestamp },
  });
}

function cacheFile(o: TokenOptions): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const root = o.stateDir ?? join(cache, 'todo-infra');
  const key = createHash('sha256')
    .update(JSON.stringify([o.clusterId, o.region, o.profile, o.configFile, o.endpoint]))
    .digest('hex')
    .slice(0, 32);
  return join(root, 'oke-tokens', `${key}.json`);
}

function readCached(path: string, now: Date): OkeToken | undefined {
  try {
    const t = JSON.parse(readFileSync(path, 'utf8')) as Partial<OkeToken>;
    if (typeof t.token !== 'string' || typeof t.expirationTimestamp !== 'string') return undefined;
    if (Date.parse(t.expirationTimestamp) - now.getTime() < REFRESH_MARGIN_MS) return undefined;
    return { token: t.token, expirationTimestamp: t.expirationTimestamp };
  } catch {
    return undefined; // no cache yet, or a torn/corrupt file: generate a fresh token
  }
}

/** `todo-infra token --cluster-id … --region …`: prints this ExecCredential JSON. */
export async function runToken(opts: TokenOptions): Promise<string> {
  if (!isOcid(opts.clusterId, 'cluster')) {
    throw usageError(
      'TOKEN_BAD_CLUSTER_ID',
      `--cluster-id ${opts.clusterId || '(empty)'} is not ` + 'a cluster OCID',
      'Pass the OCID of the OKE cluster (ocid1.cluster.oc1.<region>.…).',
    );
  }
  if (!/^[a-z]+-[a-z]+-\d+$/.test(opts.region)) {
    throw usageError(
      'TOKEN_BAD_REGION',
      `--region ${opts.region || '(empty)'} is not a region`,
      'Pass a region identifier such as eu-frankfurt-1.',
    );
  }
  const now = opts.now?.() ?? new Date();
  const path = cacheFile(opts);
  const cached = readCached(path, now);
  if (cached) {
    registerSecret(cached.token);
    return execCredential(cached);
  }
  const auth = loadOciAuth({
    configFile: opts.configFile ?? '~/.oci/config',
    profile: opts.profile ?? 'DEFAULT',
    region: opts.region,
  });
  const fresh = generateToken(auth, opts.clusterId, opts.region, opts.endpoint, now);
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  writeFileAtomic(path, JSON.stringify(fresh), 0o600);
  return execCredential(fresh);
}
