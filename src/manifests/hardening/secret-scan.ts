// Secret audit (runbook T164–T165): no ConfigMap in the app namespace may hold a secret.
// ConfigMaps are readable by roles that cannot read Secrets (the todo-readonly ClusterRole and
// the CI deployer both can), so a credential in one is a leak.
//
// A ConfigMap entry is flagged when
// - it contains the value of any Secret in the namespace (public parts such as a
//   certificate or a CA bundle excepted), or a value todo-infra registered as secret;
// - its key is named like a credential (password, token, secret, API key, connection
//   string, DSN, private key);
// - its value embeds credentials in a URL (scheme://user:password@host) or a private key.
// Reports name the ConfigMap, the key and the reason — never the value.
import type { Kube, KubeObject } from '../../kube/types.js';

/** Secret keys that hold public material (certificates, CA bundles, the namespace name). */
const PUBLIC_SECRET_KEYS = new Set(['ca.crt', 'tls.crt', 'namespace']);
/** Shorter values would match ordinary text by chance. */
const MIN_SECRET_LENGTH = 8;

const CREDENTIAL_WORDS = [
  ['password'],
  ['passwd'],
  ['pwd'],
  ['secret'],
  ['token'],
  ['apikey'],
  ['api', 'key'],
  ['private', 'key'],
  ['access', 'key'],
  ['credential'],
  ['credentials'],
  ['connection', 'string'],
  ['conn', 'str'],
  ['connstr'],
  ['dsn'],
];

/** Words of a key: camelCase and -_. separators split, lower-cased. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .split(/[-_.\s]+/)
    .filter(Boolean);
}

export function looksLikeCredentialKey(key: string): boolean {
  const words = keyWords(key);
  return CREDENTIAL_WORDS.some((seq) =>
    words.some((_, i) => seq.every((w, j) => words[i + j] === w)),
  );
}

const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:[^\s/@]+@/i;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

export interface SecretValue {
  /** e.g. "Secret db-credentials key connection-string" */
  source: string;
  value: string;
}

export interface Leak {
  configMap: string;
  key: string;
  reason: string;
}

/** Values of the namespace's Secrets, decoded; public keys and short values left out. */
export function secretValues(secrets: KubeObject[]): SecretValue[] {
  const out: SecretValue[] = [];
  for (const s of secrets) {
    for (const [key, b64] of Object.entries((s.data ?? {}) as Record<string, string>)) {
      if (PUBLIC_SECRET_KEYS.has(key)) continue;
      const value = Buffer.from(b64, 'base64').toString('utf8');
      if (value.length >= MIN_SECRET_LENGTH) {
        out.push({ source: `Secret ${s.metadata.name} key ${key}`, value });
      }
    }
  }
  return out;
}

export function scanConfigMaps(
  configMaps: KubeObject[],
  secrets: SecretValue[],
  isRegisteredSecret: (text: string) => boolean,
): Leak[] {
  const leaks: Leak[] = [];
  for (const cm of configMaps) {
    const entries: Array<[string, string]> = [
      ...Object.entries((cm.data ?? {}) as Record<string, string>),
      ...Object.entries((cm.binaryData ?? {}) as Record<string, string>).map(
        ([k, v]): [string, string] => [k, Buffer.from(v, 'base64').toString('utf8')],
      ),
    ];
    for (const [key, value] of entries) {
      const reasons: string[] = [];
      const hit = secrets.find((s) => value.includes(s.value));
      if (hit) reasons.push(`contains the value of ${hit.source}`);
      else if (isRegisteredSecret(value)) reasons.push('contains a value held as secret');
      if (looksLikeCredentialKey(key)) reasons.push('its key is named like a credential');
      if (URL_WITH_PASSWORD.test(value)) reasons.push('holds a URL with a password in it');
      if (PRIVATE_KEY.test(value)) reasons.push('holds a private key');
      for (const reason of reasons) leaks.push({ configMap: cm.metadata.name, key, reason });
    }
  }
  return leaks;
}

export interface SecretAudit {
  leaks: Leak[];
  configMaps: number;
  /** Secret names and types in the namespace (T164), values never read out. */
  secrets: string[];
}

export async function auditSecrets(
  kube: Kube,
  namespace: string,
  isRegisteredSecret: (text: string) => boolean,
): Promise<SecretAudit> {
  const secrets = await kube.list('v1', 'Secret', namespace);
  const configMaps = await kube.list('v1', 'ConfigMap', namespace);
  const leaks = scanConfigMaps(configMaps, secretValues(secrets), isRegisteredSecret);
  return {
    leaks,
    configMaps: configMaps.length,
    secrets: secrets.map((s) => `${s.metadata.name} (${String(s.type ?? 'Opaque')})`).sort(),
  };
}
