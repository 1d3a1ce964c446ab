// A tiny HTTP server standing in for the API server in unit tests of the transport: it
// answers from a script of canned responses (status, headers, body), drops the connection or
// never answers at all (hang), and records every request. It reproduces nothing of Kubernetes
// beyond the HTTP shape of a Status error; anything semantic is tested against the real
// control plane (test/cluster/).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Reply =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { status: number; text: string }
  | { drop: true }
  | { hang: true };

export interface FakeApiServer {
  url: string;
  requests: { method: string; url: string; body: string }[];
  kubeconfigPath: string;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => resolve(text));
  });
}

/** Serves `script` in order; once exhausted, the last reply repeats. */
export async function startFakeApiServer(script: Reply[]): Promise<FakeApiServer> {
  const requests: FakeApiServer['requests'] = [];
  const server: Server = createServer(async (req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', body: await readBody(req) });
    const reply = script[Math.min(requests.length - 1, script.length - 1)]!;
    if ('drop' in reply) {
      req.socket.destroy();
      return;
    }
    if ('hang' in reply) return; // held open, never answered; close() cuts it
    if ('text' in reply) {
      res.writeHead(reply.status, { 'content-type': 'text/plain' });
      res.end(reply.text);
      return;
    }
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'kube-fake-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfigPath, url);
  return {
    url,
    requests,
    kubeconfigPath,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function writeKubeconfig(path: string, server: string, contexts = ['fake']): void {
  const lines = ['apiVersion: v1', 'kind: Config', `current-context: ${contexts[0]}`, 'clusters:'];
  lines.push(
    `- name: fake`,
    `  cluster: {server: "${server}", insecure-skip-tls-verify: true}`,
    'users:',
  );
  lines.push('- name: fake', '  user: {token: not-a-real-token}', 'contexts:');
  for (const name of contexts)
    lines.push(`- name: ${name}`, `  context: {cluster: fake, user: fake}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
}

export const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  code,
  reason,
  message,
});
