// Signature verification for the OCI API simulator (see oci-api-simulator.ts). Written
// independently of src/oci/signature.ts on purpose: if both sides shared code, a bug in the
// signing string would be mirrored here and every test would still pass.
import { createHash, verify, type KeyObject } from 'node:crypto';

export interface VerifyInput {
  method: string;
  /** Path plus query string exactly as received. */
  target: string;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export type VerifyResult = { ok: true; keyId: string } | { ok: false; reason: string };

/** Parses `Signature k1="v1",k2="v2"` into its parameters. */
export function parseAuthorization(value: string): Record<string, string> | undefined {
  const m = /^Signature\s+(.*)$/s.exec(value.trim());
  if (!m?.[1]) return undefined;
  const params: Record<string, string> = {};
  for (const part of m[1].matchAll(/([a-zA-Z]+)="([^"]*)"/g)) {
    if (part[1] && part[2] !== undefined) params[part[1]] = part[2];
  }
  return params;
}

/** What OCI requires to be signed: always a date, the target and host; bodies are covered. */
function requiredHeaders(method: string): string[][] {
  const base = [['date', 'x-date'], ['(request-target)'], ['host']];
  if (['POST', 'PUT', 'PATCH'].includes(method.toUpperCase())) {
    base.push(['content-length'], ['content-type'], ['x-content-sha256']);
  }
  return base;
}

export function verifyRequest(
  input: VerifyInput,
  keys: Map<string, KeyObject>,
  now = Date.now(),
  skewMs = 5 * 60_000,
): VerifyResult {
  const auth = input.headers.authorization;
  if (!auth) return { ok: false, reason: 'no Authorization header' };
  const p = parseAuthorization(auth);
  if (!p) return { ok: false, reason: 'Authorization is not a Signature' };
  if (p.version !== '1') return { ok: false, reason: `signature version ${p.version} is not 1` };
  if (p.algorithm !== 'rsa-sha256') return { ok: false, reason: `algorithm ${p.algorithm}` };
  const keyId = p.keyId ?? '';
  const key = keys.get(keyId);
  if (!key) return { ok: false, reason: `unknown keyId ${keyId}` };
  // Header names are case-insensitive; the SDK lists e.g. `Content-Type`, signs `content-type`.
  const signed = (p.headers ?? '')
    .split(' ')
    .filter(Boolean)
    .map((h) => h.toLowerCase());
  for (const alternatives of requiredHeaders(input.method)) {
    if (!alternatives.some((h) => signed.includes(h))) {
      return { ok: false, reason: `header ${alternatives.join('/')} is not signed` };
    }
  }
  const lines: string[] = [];
  for (const name of signed) {
    if (name === '(request-target)') {
      lines.push(`(request-target): ${input.method.toLowerCase()} ${input.target}`);
      continue;
    }
    const value = input.headers[name];
    if (value === undefined) return { ok: false, reason: `signed header ${name} is missing` };
    lines.push(`${name}: ${value}`);
  }
  const dateValue = input.headers['x-date'] ?? input.headers.date;
  const at = dateValue ? Date.parse(dateValue) : NaN;
  if (Number.isNaN(at) || Math.abs(now - at) > skewMs) {
    return { ok: false, reason: `date ${dateValue} is outside the allowed clock skew` };
  }
  if (signed.includes('x-content-sha256')) {
    const digest = createHash('sha256').update(input.body).digest('base64');
    if (digest !== input.headers['x-content-sha256']) return { ok: false, reason: 'body digest' };
  }
  if (signed.includes('content-length')) {
    if (Number(input.headers['content-length']) !== input.body.length) {
      return { ok: false, reason: 'content-length does not match the body' };
    }
  }
  const good = verify(
    'sha256',
    Buffer.from(lines.join('\n')),
    key,
    Buffer.from(p.signature ?? '', 'base64'),
  );
  return good ? { ok: true, keyId } : { ok: false, reason: 'signature does not verify' };
}

export interface TokenCheck {
  ok: boolean;
  reason?: string;
  clusterId?: string;
  keyId?: string;
}

/**
 * Verifies an OKE token the way the cluster's authenticator must: base64url-decode it to a
 * URL, take authorization and date from its query, and check the signature of
 * `GET /cluster_request/<id>` against them, with the URL's host.
 */
export function verifyClusterToken(
  token: string,
  keys: Map<string, KeyObject>,
  now = Date.now(),
): TokenCheck {
  let url: URL;
  try {
    url = new URL(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'token is not a base64url-encoded URL' };
  }
  const m = /^\/cluster_request\/([^/]+)$/.exec(url.pathname);
  if (!m?.[1]) return { ok: false, reason: `unexpected path ${url.pathname}` };
  const authorization = url.searchParams.get('authorization') ?? undefined;
  const date = url.searchParams.get('date') ?? undefined;
  const extra = [...url.searchParams.keys()].filter((k) => k !== 'authorization' && k !== 'date');
  if (extra.length > 0) return { ok: false, reason: `unexpected parameters ${extra.join(',')}` };
  const result = verifyRequest(
    {
      method: 'GET',
      target: url.pathname,
      headers: { authorization, date, host: url.host },
      body: Buffer.alloc(0),
    },
    keys,
    now,
  );
  return result.ok
    ? { ok: true, clusterId: m[1], keyId: result.keyId }
    : { ok: false, reason: result.reason };
}
