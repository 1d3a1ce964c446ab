// Loading credentials from the OCI config file: every way it goes wrong gets its own coded
// error naming the file, the profile and the fix.
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOciAuth } from '../../src/oci/auth.js';
import { clearSecretsForTests, redact } from '../../src/core/redact.js';
import { newKey, setup, writeConfig, type Fixture } from './fixtures.ts';

let fx: Fixture;
beforeEach(async () => {
  fx = await setup();
});
afterEach(async () => {
  clearSecretsForTests();
  await fx.cleanup();
});

function profile(extra: Record<string, string | undefined> = {}) {
  return {
    tenancy: fx.sim.state.tenancyId,
    user: fx.sim.state.userId,
    fingerprint: fx.key.fingerprint,
    key_file: fx.keyFile,
    region: 'eu-frankfurt-1',
    ...extra,
  };
}

function loadError(opts: Partial<Parameters<typeof loadOciAuth>[0]> = {}) {
  try {
    loadOciAuth({ configFile: fx.configFile, profile: 'DEFAULT', ...opts });
  } catch (err) {
    return err as { code: string; message: string; hint: string; source: string };
  }
  throw new Error('expected loadOciAuth to fail');
}

describe('loadOciAuth', () => {
  it('reads tenancy, user, region and the key; computes the keyId from the real fingerprint', () => {
    const auth = loadOciAuth({ configFile: fx.configFile, profile: 'DEFAULT' });
    expect(auth.region).toBe('eu-frankfurt-1');
    const { tenancyId, userId } = fx.sim.state;
    expect(auth.keyId).toBe(`${tenancyId}/${userId}/${fx.key.fingerprint}`);
    expect(auth.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    // The private key is registered for redaction the moment it is loaded.
    expect(redact(`x ${auth.privateKeyPem} y`)).toBe('x [redacted] y');
  });

  it('expands ~ in the config path and lets config override region and tenancy', () => {
    const home = process.env.HOME;
    process.env.HOME = fx.dir;
    try {
      const auth = loadOciAuth({
        configFile: '~/config',
        profile: 'DEFAULT',
        region: 'us-ashburn-1',
      });
      expect(auth.configFile).toBe(join(fx.dir, 'config'));
      expect(auth.region).toBe('us-ashburn-1');
    } finally {
      process.env.HOME = home;
    }
  });

  it('inherits missing keys of a named profile from [DEFAULT], as the OCI CLI does', () => {
    writeConfig(fx.configFile, { DEFAULT: profile(), work: { region: 'us-phoenix-1' } });
    const auth = loadOciAuth({ configFile: fx.configFile, profile: 'work' });
    expect(auth.region).toBe('us-phoenix-1');
    expect(auth.userId).toBe(fx.sim.state.userId);
  });

  it('missing config file → OCI_CONFIG_MISSING with how to create one', () => {
    const err = loadError({ configFile: join(fx.dir, 'nope') });
    expect(err.code).toBe('OCI_CONFIG_MISSING');
    expect(err.source).toBe('user');
    expect(err.hint).toContain('oci setup config');
  });

  it('missing profile → OCI_PROFILE_MISSING listing the profiles that exist', () => {
    writeConfig(fx.configFile, { DEFAULT: profile(), work: {} });
    const err = loadError({ profile: 'prod' });
    expect(err.code).toBe('OCI_PROFILE_MISSING');
    expect(err.hint).toContain('DEFAULT, work');
  });

  it('missing field → OCI_PROFILE_INCOMPLETE naming the field', () => {
    writeConfig(fx.configFile, { DEFAULT: profile({ fingerprint: undefined }) });
    const err = loadError();
    expect(err.code).toBe('OCI_PROFILE_INCOMPLETE');
    expect(err.message).toContain('has no fingerprint');
  });

  it('missing key_file → OCI_KEY_FILE_MISSING', () => {
    rmSync(fx.keyFile);
    const err = loadError();
    expect(err.code).toBe('OCI_KEY_FILE_MISSING');
    expect(err.message).toContain(fx.keyFile);
  });

  it('key readable by others → OCI_KEY_PERMISSIONS with the chmod fix', () => {
    chmodSync(fx.keyFile, 0o644);
    const err = loadError();
    expect(err.code).toBe('OCI_KEY_PERMISSIONS');
    expect(err.message).toContain('644');
    expect(err.hint).toBe(`Run \`chmod 600 ${fx.keyFile}\` so only you can read it.`);
  });

  it('fingerprint of another key → OCI_FINGERPRINT_MISMATCH showing both fingerprints', () => {
    const other = newKey();
    writeConfig(fx.configFile, { DEFAULT: profile({ fingerprint: other.fingerprint }) });
    const err = loadError();
    expect(err.code).toBe('OCI_FINGERPRINT_MISMATCH');
    expect(err.message).toContain(fx.key.fingerprint);
    expect(err.message).toContain(other.fingerprint);
  });

  it('encrypted key without pass_phrase → OCI_KEY_PASSPHRASE_REQUIRED; wrong one → _WRONG', () => {
    const enc = newKey('correct horse');
    const keyFile = join(fx.dir, 'enc.pem');
    writeFileSync(keyFile, enc.privatePem, { mode: 0o600 });
    writeConfig(fx.configFile, {
      DEFAULT: profile({ key_file: keyFile, fingerprint: enc.fingerprint }),
    });
    expect(loadError().code).toBe('OCI_KEY_PASSPHRASE_REQUIRED');
    writeConfig(fx.configFile, {
      DEFAULT: profile({
        key_file: keyFile,
        fingerprint: enc.fingerprint,
        pass_phrase: 'wrong horse',
      }),
    });
    expect(loadError().code).toBe('OCI_KEY_PASSPHRASE_WRONG');
    writeConfig(fx.configFile, {
      DEFAULT: profile({
        key_file: keyFile,
        fingerprint: enc.fingerprint,
        pass_phrase: 'correct horse',
      }),
    });
    const auth = loadOciAuth({ configFile: fx.configFile, profile: 'DEFAULT' });
    expect(auth.fingerprint).toBe(enc.fingerprint);
    expect(redact('pass: correct horse')).toBe('pass: [redacted]');
  });

  it('a config file holding pass_phrase must itself be private', () => {
    writeConfig(fx.configFile, { DEFAULT: profile({ pass_phrase: 'unused-pass' }) });
    chmodSync(fx.configFile, 0o640);
    expect(loadError().code).toBe('OCI_CONFIG_PERMISSIONS');
  });

  it('a public key given as key_file → OCI_KEY_INVALID', () => {
    writeFileSync(fx.keyFile, fx.key.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    expect(loadError().code).toBe('OCI_KEY_INVALID');
  });

  it('session-token profiles are refused with the API-key fix', () => {
    writeConfig(fx.configFile, {
      DEFAULT: { ...profile({ key_file: undefined }), security_token_file: join(fx.dir, 'token') },
    });
    expect(loadError().code).toBe('OCI_SESSION_AUTH_UNSUPPORTED');
  });
});
