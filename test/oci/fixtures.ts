// Test credentials: an RSA key pair generated per run (no private key is ever committed), an
// OCI config file in a temp dir with mode 600, and the simulator registered with the public key.
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOciSimulator, type OciSimulator } from './oci-api-simulator.ts';
import { defaultState } from './oci-simulator-state.ts';

export interface TestKey {
  privatePem: string;
  publicKey: KeyObject;
  fingerprint: string;
}

let cached: TestKey | undefined;

/** One 2048-bit key per test process: generating is the slow part. */
export function testKey(): TestKey {
  if (cached) return cached;
  cached = newKey();
  return cached;
}

export function newKey(passphrase?: string): TestKey {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = passphrase
    ? pair.privateKey
        .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
        .toString()
    : pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const der = pair.publicKey.export({ type: 'spki', format: 'der' });
  const fingerprint = (createHash('md5').update(der).digest('hex').match(/../g) ?? []).join(':');
  return { privatePem, publicKey: pair.publicKey, fingerprint };
}

export interface Fixture {
  dir: string;
  configFile: string;
  keyFile: string;
  key: TestKey;
  sim: OciSimulator;
  cleanup(): Promise<void>;
}

export interface ProfileFields {
  tenancy: string;
  user: string;
  fingerprint: string;
  key_file: string;
  region: string;
  pass_phrase?: string;
}

export function writeConfig(path: string, profiles: Record<string, Partial<ProfileFields>>): void {
  const text = Object.entries(profiles)
    .map(([name, fields]) =>
      [
        `[${name}]`,
        ...Object.entries(fields)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${k}=${v}`),
      ].join('\n'),
    )
    .join('\n\n');
  writeFileSync(path, `${text}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** A temp dir with key + config ([DEFAULT] profile) and a running simulator trusting the key. */
export async function setup(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'todo-infra-oci-'));
  const key = testKey();
  const keyFile = join(dir, 'oci_api_key.pem');
  writeFileSync(keyFile, key.privatePem, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  const state = defaultState();
  const configFile = join(dir, 'config');
  writeConfig(configFile, {
    DEFAULT: {
      tenancy: state.tenancyId,
      user: state.userId,
      fingerprint: key.fingerprint,
      key_file: keyFile,
      region: 'eu-frankfurt-1',
    },
  });
  const keyId = `${state.tenancyId}/${state.userId}/${key.fingerprint}`;
  const sim = await startOciSimulator({ keys: new Map([[keyId, key.publicKey]]), state });
  return {
    dir,
    configFile,
    keyFile,
    key,
    sim,
    cleanup: async () => {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const FAST_RETRY = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

/**
 * Replaces the profile's key with a valid one (its fingerprint matches the file) that was never
 * uploaded, so the service answers 401 NotAuthenticated.
 */
export function useUnknownKey(fx: Fixture): TestKey {
  const other = newKey();
  writeFileSync(fx.keyFile, other.privatePem, { mode: 0o600 });
  writeConfig(fx.configFile, {
    DEFAULT: {
      tenancy: fx.sim.state.tenancyId,
      user: fx.sim.state.userId,
      fingerprint: other.fingerprint,
      key_file: fx.keyFile,
      region: 'eu-frankfurt-1',
    },
  });
  return other;
}
