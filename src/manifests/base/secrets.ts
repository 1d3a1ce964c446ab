// Secrets (runbook T053–T055). Only the *shape* of a secret is ever rendered or committed; the
// db-credentials value is read at run time from its configured source (ctx.secret) and goes
// straight into the API request, never to a file.
import type { Config } from '../../config/schema.js';
import type { KubeObject } from '../../kube/types.js';
import { managedLabels } from './yaml.js';

export const DB_SECRET_NAME = 'db-credentials';
/** The key the backend reads (as DATABASE_URL) from the db-credentials secret. */
export const DB_SECRET_KEY = 'connection-string';

/** The Secret as sent to the API server; `value` is the connection string itself. */
export function dbCredentialsSecret(config: Config, value: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: DB_SECRET_NAME,
      namespace: config.apps.namespace,
      labels: managedLabels('secret'),
    },
    type: 'Opaque',
    // base64 `data` rather than `stringData`: server-side apply tracks `data`, so a re-apply
    // with the same value is a no-op; redaction already masks the base64 form in logs.
    data: { [DB_SECRET_KEY]: Buffer.from(value, 'utf8').toString('base64') },
  };
}

/** secrets.yaml.example: the shape, with placeholders and how to create it for real. */
export function secretsExample(config: Config): string {
  const ns = config.apps.namespace;
  return [
    '# Example only: never commit real values. todo-infra creates this secret itself from',
    '# secrets.dbConnectionString (an environment variable, a file, or a prompt):',
    '#   TODO_INFRA_DB_CONNECTION_STRING=... todo-infra phase base',
    '# or by hand, without writing the value to disk:',
    `#   kubectl create secret generic ${DB_SECRET_NAME} -n ${ns} \\`,
    `#     --from-literal=${DB_SECRET_KEY}="$DATABASE_URL"`,
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${DB_SECRET_NAME}`,
    `  namespace: ${ns}`,
    'type: Opaque',
    'stringData:',
    `  ${DB_SECRET_KEY}: "postgresql://USER:PASSWORD@HOST:5432/DATABASE?sslmode=require"`,
    '',
  ].join('\n');
}

/** tls-secret.yaml.example: the Secret the Ingress uses when ingress.tls.enabled. */
export function tlsSecretExample(config: Config): string {
  const ns = config.apps.namespace;
  const name = config.ingress.tls.secretName;
  return [
    '# Example only: create the real secret from your certificate files with',
    `#   kubectl create secret tls ${name} -n ${ns} --cert=tls.crt --key=tls.key`,
    '# then set ingress.tls.enabled: true (and ingress.host) and run `todo-infra phase apps`.',
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${ns}`,
    'type: kubernetes.io/tls',
    'data:',
    '  tls.crt: BASE64_ENCODED_CERTIFICATE_CHAIN',
    '  tls.key: BASE64_ENCODED_PRIVATE_KEY',
    '',
  ].join('\n');
}
