// OCI API simulator: a local stand-in for the Oracle Cloud Infrastructure REST APIs that
// todo-infra calls — Identity (20160918), Limits (20190729), Container Engine (20180222),
// Artifacts/OCIR (20160918/container) — plus the OKE `cluster_request` token check.
//
// Reproduces:
//  - OCI HTTP request signatures: every request's Authorization header is parsed and its
//    rsa-sha256 signature verified against the registered test key, with the headers OCI
//    requires (date or x-date, (request-target), host; for bodies also content-length,
//    content-type and x-content-sha256, all checked against the actual body) and a 5 minute
//    clock-skew window. A bad signature gets OCI's 401 NotAuthenticated body.
//  - The JSON shapes of the operations used (field names as in the SDK models), 404
//    NotAuthorizedOrNotFound for unknown ids, 409 on a duplicate repository name, and
//    injected faults per path: any status/code N times (e.g. 429 TooManyRequests twice, then
//    the real answer), for retry and error-mapping tests.
//  - OKE token verification: base64url URL → signature over `date (request-target) host`.
// Does not reproduce: IAM policy evaluation (every valid signature is fully authorized),
// pagination (single pages), eventual consistency, real limit accounting (values are what the
// test sets), auth-token count limits, realms other than oc1, or TLS (plain HTTP on 127.0.0.1).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { verifyClusterToken, verifyRequest, type TokenCheck } from './oci-simulator-signature.ts';
import { defaultState, type SimState } from './oci-simulator-state.ts';
import { route } from './oci-simulator-routes.ts';

export interface Fault {
  method?: string;
  /** Matched against the path (without query). */
  path: RegExp;
  status: number;
  code: string;
  message?: string;
  /** How many matching requests fail; afterwards the real answer is served. */
  times: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
  signatureProblem?: string;
}

export interface OciSimulator {
  url: string;
  state: SimState;
  requests: RecordedRequest[];
  keys: Map<string, KeyObject>;
  fault(f: Fault): void;
  verifyToken(token: string): TokenCheck;
  close(): Promise<void>;
}

export async function startOciSimulator(opts: {
  keys: Map<string, KeyObject>;
  state?: SimState;
}): Promise<OciSimulator> {
  const state = opts.state ?? defaultState();
  const faults: Fault[] = [];
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });

  function send(
    res: ServerResponse,
    rec: RecordedRequest,
    status: number,
    body: unknown,
    type = 'application/json',
  ): void {
    rec.status = status;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': type, 'opc-request-id': `sim-${requests.length}` });
    res.end(text);
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const target = req.url ?? '/';
    const url = new URL(target, 'http://sim');
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
    );
    const method = req.method ?? 'GET';
    const rec: RecordedRequest = {
      method,
      path: url.pathname,
      status: 0,
      headers,
      body: body.toString('utf8'),
    };
    requests.push(rec);
    if (url.pathname.startsWith('/cluster_request/')) {
      const token = Buffer.from(`http://${headers.host}${target}`).toString('base64url');
      const check = verifyClusterToken(token, opts.keys);
      send(res, rec, check.ok ? 200 : 401, check);
      return;
    }
    const verdict = verifyRequest({ method, target, headers, body }, opts.keys);
    if (!verdict.ok) {
      rec.signatureProblem = verdict.reason;
      send(res, rec, 401, {
        code: 'NotAuthenticated',
        message:
          'The required information to ' +
          'complete authentication was not provided or was incorrect.',
      });
      return;
    }
    const fault = faults.find(
      (f) => f.times > 0 && f.path.test(url.pathname) && (!f.method || f.method === method),
    );
    if (fault) {
      fault.times -= 1;
      send(res, rec, fault.status, { code: fault.code, message: fault.message ?? fault.code });
      return;
    }
    let json: unknown;
    try {
      const isJson = body.length > 0 && headers['content-type']?.includes('json');
      json = isJson ? JSON.parse(body.toString()) : undefined;
    } catch {
      send(res, rec, 400, { code: 'InvalidParameter', message: 'body is not JSON' });
      return;
    }
    const answer = route(state, method, url, json);
    send(res, rec, answer.status, answer.body, answer.type);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    keys: opts.keys,
    fault: (f) => faults.push({ ...f }),
    verifyToken: (token) => verifyClusterToken(token, opts.keys),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
