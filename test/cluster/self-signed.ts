// A throwaway self-signed certificate for the tests' HTTPS servers (simulated webhooks and API
// services) and for TLS secrets. Node can make keys but not X.509 certificates, so openssl
// issues it; the files live only for the duration of the call.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSignedSpec {
  /** Who the certificate is for: an IP address (loopback servers) or a DNS name. */
  ip?: string;
  dns?: string;
  days?: number;
}

export function selfSignedCert(spec: SelfSignedSpec): { cert: string; key: string } {
  const name = spec.ip ?? spec.dns;
  if (!name) throw new Error('selfSignedCert: give an ip or a dns name');
  const san = spec.ip ? `IP:${spec.ip}` : `DNS:${spec.dns}`;
  const dir = mkdtempSync(join(tmpdir(), 'todo-infra-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        String(spec.days ?? 1),
        '-subj',
        `/CN=${name}`,
        '-addext',
        `subjectAltName=${san}`,
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
