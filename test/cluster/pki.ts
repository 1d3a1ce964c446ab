// Certificates and keys for one local control plane.
//
// A fresh CA per control plane signs: the kube-apiserver serving cert, one client cert per
// component identity (admin in system:masters, kube-controller-manager and kube-scheduler as
// their RBAC bootstrap users), and the service-account token signing key pair. Keys come
// from node:crypto (fast, no subprocess); Node cannot issue X.509 certificates, so openssl
// signs them. Everything lives in the control plane's data dir and dies with it.
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ClientCert {
  cert: string;
  key: string;
}

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  saPublicKey: string;
  saPrivateKey: string;
  admin: ClientCert;
  controllerManager: ClientCert;
  scheduler: ClientCert;
  /** Separate CA for the aggregation layer's request-header authentication, as kubeadm does. */
  frontProxyCaCert: string;
  frontProxyClient: ClientCert;
  /** kwok's serving cert: lets the harness tell its own kwok from another process's port. */
  kwokServing: ClientCert;
}

const VALID_DAYS = '30';

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.error) {
    throw new Error(
      `openssl not found (${r.error.message}); install openssl: it signs the test ` +
        'control plane certificates',
    );
  }
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr.trim()}`);
}

function writeKey(path: string): void {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
}

function createCa(dir: string, name: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  const cnf = join(dir, `${name}.cnf`);
  writeKey(key);
  writeFileSync(
    cnf,
    [
      '[req]',
      'distinguished_name=dn',
      'x509_extensions=ca',
      'prompt=no',
      '[dn]',
      `CN=todo-infra-test-${name}`,
      '[ca]',
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier=hash',
      '',
    ].join('\n'),
  );
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    key,
    '-config',
    cnf,
    '-days',
    VALID_DAYS,
    '-sha256',
    '-out',
    cert,
  ]);
  return { cert, key };
}

interface LeafSpec {
  name: string;
  subject: string;
  usage: 'serverAuth' | 'clientAuth';
  sans?: string[];
}

function issue(dir: string, ca: { cert: string; key: string }, spec: LeafSpec): ClientCert {
  const key = join(dir, `${spec.name}.key`);
  const cert = join(dir, `${spec.name}.crt`);
  const csr = join(dir, `${spec.name}.csr`);
  const ext = join(dir, `${spec.name}.ext`);
  writeKey(key);
  const lines = [
    '[ext]',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    `extendedKeyUsage=${spec.usage}`,
    'authorityKeyIdentifier=keyid',
  ];
  if (spec.sans) lines.push(`subjectAltName=${spec.sans.join(',')}`);
  writeFileSync(ext, lines.join('\n') + '\n');
  openssl(['req', '-new', '-key', key, '-subj', spec.subject, '-out', csr]);
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-set_serial',
    `0x${randomBytes(12).toString('hex')}`,
    '-days',
    VALID_DAYS,
    '-sha256',
    '-extfile',
    ext,
    '-extensions',
    'ext',
    '-out',
    cert,
  ]);
  return { cert, key };
}

/** Creates the whole PKI under `<dataDir>/pki`. `serviceIp` is the `kubernetes` Service IP. */
export function createPki(dataDir: string, serviceIp: string): Pki {
  const dir = join(dataDir, 'pki');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = createCa(dir, 'ca');
  const serving = issue(dir, ca, {
    name: 'apiserver',
    subject: '/CN=kube-apiserver',
    usage: 'serverAuth',
    sans: [
      'IP:127.0.0.1',
      `IP:${serviceIp}`,
      'DNS:localhost',
      'DNS:kubernetes',
      'DNS:kubernetes.default',
      'DNS:kubernetes.default.svc',
      'DNS:kubernetes.default.svc.cluster.local',
    ],
  });
  // Built-in RBAC binds these user names; admin gets everything via the system:masters group.
  const admin = issue(dir, ca, {
    name: 'admin',
    subject: '/O=system:masters/CN=todo-infra-admin',
    usage: 'clientAuth',
  });
  const controllerManager = issue(dir, ca, {
    name: 'controller-manager',
    subject: '/CN=system:kube-controller-manager',
    usage: 'clientAuth',
  });
  const scheduler = issue(dir, ca, {
    name: 'scheduler',
    subject: '/CN=system:kube-scheduler',
    usage: 'clientAuth',
  });
  const kwokServing = issue(dir, ca, {
    name: 'kwok',
    subject: '/CN=kwok',
    usage: 'serverAuth',
    sans: ['IP:127.0.0.1'],
  });
  const frontProxyCa = createCa(dir, 'front-proxy-ca');
  const frontProxyClient = issue(dir, frontProxyCa, {
    name: 'front-proxy-client',
    subject: '/CN=front-proxy-client',
    usage: 'clientAuth',
  });
  const saPrivateKey = join(dir, 'sa.key');
  const saPublicKey = join(dir, 'sa.pub');
  const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(saPrivateKey, sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  writeFileSync(saPublicKey, sa.publicKey.export({ type: 'spki', format: 'pem' }));
  return {
    dir,
    caCert: ca.cert,
    caKey: ca.key,
    servingCert: serving.cert,
    servingKey: serving.key,
    saPrivateKey,
    saPublicKey,
    admin,
    controllerManager,
    scheduler,
    frontProxyCaCert: frontProxyCa.cert,
    frontProxyClient,
    kwokServing,
  };
}
