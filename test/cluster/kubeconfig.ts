// Kubeconfig files for the local control plane: one for the admin (handed to tests and the
// CLI) and one per component identity. Certificates are embedded so a kubeconfig stays usable
// on its own (copied, or read by a tool that resolves relative paths differently).
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { ClientCert } from './pki.ts';

/** Context (and cluster) name in the admin kubeconfig. */
export const CONTEXT_NAME = 'todo-infra-test';

export function writeKubeconfig(
  path: string,
  server: string,
  caCert: string,
  client: ClientCert,
  userName: string,
): void {
  const b64 = (file: string): string => readFileSync(file).toString('base64');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: CONTEXT_NAME, cluster: { server, 'certificate-authority-data': b64(caCert) } },
    ],
    users: [
      {
        name: userName,
        user: { 'client-certificate-data': b64(client.cert), 'client-key-data': b64(client.key) },
      },
    ],
    contexts: [{ name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user: userName } }],
    'current-context': CONTEXT_NAME,
    preferences: {},
  };
  writeFileSync(path, stringify(doc), { mode: 0o600 });
}
