// A deliberately small Kubernetes API client for the test harness and simulators.
//
// Why not @kubernetes/client-node: the harness also runs under plain Node (cluster:up), and
// the product's own Kubernetes layer is what the tests exercise; keeping the harness on raw
// HTTPS means a bug in the product client can never hide a bug in the harness (or vice versa).
// It speaks only what the harness needs: JSON requests with the admin client certificate
// from a kubeconfig this harness wrote, and line-delimited watch streams.
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { readFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { parse as parseYaml } from 'yaml';

export interface KubeResponse {
  status: number;
  body: any;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: any;
}

export interface KubeClient {
  server: string;
  request(
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
    headers?: Record<string, string>,
  ): Promise<KubeResponse>;
  /** Throws unless the status is 2xx; returns the parsed body. */
  json(
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
    headers?: Record<string, string>,
  ): Promise<any>;
  /** Streams watch events until the server ends the watch or `signal` aborts. */
  watch(path: string, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void>;
}

interface Credentials {
  server: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** Reads the single-context, client-certificate kubeconfig written by this harness. */
export function readKubeconfig(path: string): Credentials {
  const doc = parseYaml(readFileSync(path, 'utf8'));
  const ctxName = doc['current-context'];
  const ctx = doc.contexts?.find((c: any) => c.name === ctxName)?.context;
  const cluster = doc.clusters?.find((c: any) => c.name === ctx?.cluster)?.cluster;
  const user = doc.users?.find((u: any) => u.name === ctx?.user)?.user;
  const b64 = (v: unknown): Buffer => Buffer.from(String(v), 'base64');
  if (
    !cluster?.server ||
    !cluster['certificate-authority-data'] ||
    !user?.['client-certificate-data'] ||
    !user?.['client-key-data']
  ) {
    throw new Error(
      `${path}: expected a kubeconfig with embedded CA and client certificate ` +
        '(as written by test/cluster); other kubeconfig forms are not supported here',
    );
  }
  return {
    server: cluster.server,
    ca: b64(cluster['certificate-authority-data']),
    cert: b64(user['client-certificate-data']),
    key: b64(user['client-key-data']),
  };
}

export function kubeClient(kubeconfigPath: string): KubeClient {
  const creds = readKubeconfig(kubeconfigPath);
  const agent = new Agent({ ca: creds.ca, cert: creds.cert, key: creds.key, keepAlive: true });
  const base = new URL(creds.server);

  function open(
    method: string,
    path: string,
    body: string | undefined,
    contentType: string,
    signal?: AbortSignal,
    headers: Record<string, string> = {},
  ) {
    return httpsRequest({
      host: base.hostname,
      port: base.port,
      path,
      method,
      agent,
      signal,
      headers: {
        accept: 'application/json',
        ...headers,
        ...(body !== undefined ? { 'content-type': contentType } : {}),
      },
    });
  }

  const request: KubeClient['request'] = (
    method,
    path,
    body,
    contentType = 'application/json',
    headers,
  ) =>
    new Promise((resolve, reject) => {
      const payload =
        body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = open(method, path, payload, contentType, undefined, headers);
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text.length > 0 ? JSON.parse(text) : undefined;
          } catch {
            // non-JSON bodies (e.g. /readyz "ok") are returned as text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.end(payload);
    });

  const json: KubeClient['json'] = async (method, path, body, contentType, headers) => {
    const res = await request(method, path, body, contentType, headers);
    if (res.status < 200 || res.status > 299) {
      const msg = typeof res.body === 'object' ? res.body?.message : res.body;
      throw Object.assign(new Error(`${method} ${path}: HTTP ${res.status}: ${msg}`), {
        status: res.status,
        body: res.body,
      });
    }
    return res.body;
  };

  const watch: KubeClient['watch'] = (path, onEvent, signal) =>
    new Promise((resolve, reject) => {
      const req = open('GET', path, undefined, '', signal);
      req.on('error', (err) => (signal.aborted ? resolve() : reject(err)));
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(
            Object.assign(new Error(`watch ${path}: HTTP ${res.statusCode}`), {
              status: res.statusCode,
            }),
          );
          return;
        }
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            if (line.length > 0) onEvent(JSON.parse(line) as WatchEvent);
          }
        });
        res.on('end', () => resolve());
        res.on('error', (err) => (signal.aborted ? resolve() : reject(err)));
      });
      req.end();
    });

  return { server: creds.server, request, json, watch };
}
