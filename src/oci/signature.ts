// OCI request signing (the "draft-cavage-http-signatures" scheme, version 1, rsa-sha256).
// The SDK's DefaultRequestSigner always signs `x-date`, but the OKE token format carries only
// `authorization` and `date` in its query string — exactly what the OCI CLI's Python signer
// produces — so the token is signed here, with node:crypto, over `date (request-target) host`.
import { sign, type KeyObject } from 'node:crypto';
import { TodoInfraError } from '../core/errors.js';

export interface SignInput {
  method: string;
  url: URL;
  /** Header values by lower-case name; `(request-target)` and `host` are derived. */
  headers: Record<string, string>;
  /** Which headers to sign, in order, e.g. ['date', '(request-target)', 'host']. */
  signed: string[];
  keyId: string;
  key: KeyObject;
}

/** The exact text that is signed: one `name: value` line per signed header. */
export function signingString(
  method: string,
  url: URL,
  headers: Record<string, string>,
  signed: string[],
): string {
  return signed
    .map((name) => {
      if (name === '(request-target)') {
        return `(request-target): ${method.toLowerCase()} ${url.pathname}${url.search}`;
      }
      if (name === 'host') return `host: ${headers.host ?? url.host}`;
      const value = headers[name];
      if (value === undefined) {
        throw new TodoInfraError('OCI_SIGNING', `header ${name} is signed but has no value`);
      }
      return `${name}: ${value}`;
    })
    .join('\n');
}

/** The Authorization header value for a request. */
export function authorizationHeader(input: SignInput): string {
  const text = signingString(input.method, input.url, input.headers, input.signed);
  const signature = sign('sha256', Buffer.from(text, 'utf8'), input.key).toString('base64');
  return (
    `Signature version="1",keyId="${input.keyId}",algorithm="rsa-sha256",` +
    `headers="${input.signed.join(' ')}",signature="${signature}"`
  );
}

/** RFC 7231 IMF-fixdate, the format OCI expects in `date`. */
export function httpDate(at: Date): string {
  return at.toUTCString();
}
