// API-key authentication from the OCI config file. Everything the SDK would discover late
// (inside the first signed call, as a bare 401) is checked here up front: the key file exists,
// it is private, it decrypts, and it is the key whose fingerprint the profile names — a
// mismatch there is the most common cause of "NotAuthenticated" and the cloud cannot tell you.
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { registerSecret } from '../core/redact.js';
import {
  expandPath,
  readConfigFile,
  requireField,
  selectProfile,
  userError,
  type ParsedConfigFile,
} from './config-file.js';

export interface OciAuthOptions {
  configFile: string;
  profile: string;
  /** Overrides the profile's region (config oci.region, or --region of the token command). */
  region?: string;
  /** Overrides the profile's tenancy (config oci.tenancyId). */
  tenancyId?: string;
}

export interface OciAuth {
  configFile: string;
  profile: string;
  tenancyId: string;
  /** The tenancy the user belongs to (the profile's), which the keyId names. */
  keyTenancyId: string;
  userId: string;
  fingerprint: string;
  region: string;
  /** `<tenancy>/<user>/<fingerprint>`: the keyId of every request signature. */
  keyId: string;
  /** The decrypted private key; never serialised. */
  key: KeyObject;
  /** PKCS#8 PEM of the decrypted key, for the SDK's signer (which wants a PEM string). */
  privateKeyPem: string;
}

/** The OCI fingerprint of a key: MD5 over the DER SubjectPublicKeyInfo, colon-separated hex. */
export function keyFingerprint(key: KeyObject): string {
  const der = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const hex = createHash('md5').update(der).digest('hex');
  return hex.match(/../g)?.join(':') ?? hex;
}

export function loadOciAuth(options: OciAuthOptions): OciAuth {
  const file = readConfigFile(options.configFile);
  const name = options.profile;
  const profile = selectProfile(file, name);
  if (!profile.key_file && profile.security_token_file) {
    throw userError(
      'OCI_SESSION_AUTH_UNSUPPORTED',
      `profile [${name}] in ${file.path} uses session-token authentication`,
      'todo-infra signs with an API key: add one (console: Profile → API keys) and use a ' +
        'profile with user, fingerprint and key_file.',
    );
  }
  const userId = requireField(file, name, profile, 'user', 'the user OCID');
  // The keyId must name the tenancy the user lives in, whatever oci.tenancyId says.
  const keyTenancy = requireField(file, name, profile, 'tenancy', 'the tenancy OCID');
  const tenancyId = options.tenancyId ?? keyTenancy;
  const fingerprint = requireField(file, name, profile, 'fingerprint', 'of the API key');
  const keyFile = requireField(file, name, profile, 'key_file', 'path of the private key');
  const region =
    options.region ?? requireField(file, name, profile, 'region', 'e.g. eu-frankfurt-1');
  const passphrase = profile.pass_phrase;
  if (passphrase) {
    registerSecret(passphrase);
    checkPrivate(file.path, file.mode, 'OCI_CONFIG_PERMISSIONS', 'holds pass_phrase');
  }
  const keyPath = expandPath(keyFile, dirname(file.path));
  const key = readKey(file, name, keyPath, passphrase);
  const actual = keyFingerprint(key);
  if (actual !== fingerprint.toLowerCase()) {
    throw userError(
      'OCI_FINGERPRINT_MISMATCH',
      `the key ${keyPath} has fingerprint ${actual}, but profile [${name}] says ${fingerprint}`,
      'The profile points at a different key than the one uploaded for this user. Fix ' +
        'key_file or fingerprint (console: Profile → API keys lists the uploaded fingerprints).',
    );
  }
  const privateKeyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  registerSecret(privateKeyPem);
  return {
    configFile: file.path,
    profile: name,
    tenancyId,
    keyTenancyId: keyTenancy,
    userId,
    fingerprint: actual,
    region,
    keyId: `${keyTenancy}/${userId}/${actual}`,
    key,
    privateKeyPem,
  };
}

function readKey(
  file: ParsedConfigFile,
  profile: string,
  keyPath: string,
  passphrase: string | undefined,
): KeyObject {
  let mode: number;
  let pem: string;
  try {
    mode = statSync(keyPath).mode & 0o777;
    pem = readFileSync(keyPath, 'utf8');
  } catch (cause) {
    throw userError(
      'OCI_KEY_FILE_MISSING',
      `key_file ${keyPath} of profile [${profile}] in ${file.path} cannot be read ` +
        `(${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
      'Point key_file at the private key (PEM) whose public half you uploaded as an API key.',
    );
  }
  checkPrivate(keyPath, mode, 'OCI_KEY_PERMISSIONS', 'is a private key');
  try {
    return createPrivateKey(passphrase ? { key: pem, passphrase } : { key: pem });
  } catch (cause) {
    // PKCS#8 says so in its armour; traditional PEM in a Proc-Type header. OpenSSL's own error
    // for a missing passphrase varies by version ("interrupted or cancelled" in OpenSSL 3).
    const encrypted = /BEGIN ENCRYPTED PRIVATE KEY|Proc-Type:\s*4,ENCRYPTED/.test(pem);
    if (!passphrase && encrypted) {
      throw userError(
        'OCI_KEY_PASSPHRASE_REQUIRED',
        `the key ${keyPath} is encrypted and profile [${profile}] has no pass_phrase`,
        `Add \`pass_phrase=…\` to [${profile}] (and keep ${file.path} at mode 600), or use ` +
          'an unencrypted key.',
      );
    }
    throw userError(
      passphrase ? 'OCI_KEY_PASSPHRASE_WRONG' : 'OCI_KEY_INVALID',
      passphrase
        ? `the pass_phrase of profile [${profile}] does not decrypt ${keyPath}`
        : `${keyPath} is not a PEM private key`,
      passphrase
        ? 'Correct pass_phrase in the profile.'
        : 'key_file must be the private key (-----BEGIN … PRIVATE KEY-----), not the public one.',
    );
  }
}

/** The OCI CLI warns when these files are readable by others; we refuse, like ssh does. */
function checkPrivate(path: string, mode: number, code: string, why: string): void {
  if ((mode & 0o077) === 0) return;
  throw userError(
    code,
    `${path} ${why} but its permissions are ${mode.toString(8).padStart(3, '0')}`,
    `Run \`chmod 600 ${path}\` so only you can read it.`,
  );
}
