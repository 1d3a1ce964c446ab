// Command lines of the control plane components, and how to tell each one is up.
//
// Flags are chosen to match a real cluster where it matters to the product (RBAC, the
// admission chain, service-account tokens, controllers) and to be cheap where it does not
// (one etcd member without fsync, no leader election, everything on 127.0.0.1).
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { LOOPBACK } from './ports.ts';
import type { Pki } from './pki.ts';
import { KWOK_NODE_ANNOTATION, KWOK_NODE_ANNOTATION_VALUE } from './kwok-config.ts';

export const SERVICE_CIDR = '10.96.0.0/16';
/** First address of SERVICE_CIDR: the `kubernetes` Service, which the serving cert names. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';

export interface Ports {
  etcd: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
}

export interface Layout {
  dataDir: string;
  /** Unique per control plane, so a probe can tell our etcd from another one. */
  etcdName: string;
  pki: Pki;
  ports: Ports;
  adminKubeconfig: string;
  controllerManagerKubeconfig: string;
  schedulerKubeconfig: string;
  kwokConfig: string;
}

const url = (scheme: string, port: number): string => `${scheme}://${LOOPBACK}:${port}`;

export function etcdArgs(l: Layout): string[] {
  const client = url('http', l.ports.etcd);
  const peer = url('http', l.ports.etcdPeer);
  return [
    `--name=${l.etcdName}`,
    `--data-dir=${join(l.dataDir, 'etcd')}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=${l.etcdName}=${peer}`,
    '--initial-cluster-state=new',
    // Throwaway data on a shared 2-core machine: durability buys nothing here.
    '--unsafe-no-fsync=true',
  ];
}

/** Admission plugins the product depends on, named explicitly rather than trusting defaults. */
export const ADMISSION_PLUGINS = [
  'NamespaceLifecycle',
  'LimitRanger',
  'ServiceAccount',
  'PodSecurity',
  'ResourceQuota',
  'NodeRestriction',
  'DefaultTolerationSeconds',
  'TaintNodesByCondition',
  'Priority',
  'MutatingAdmissionWebhook',
  'ValidatingAdmissionWebhook',
  'ValidatingAdmissionPolicy',
];

export function apiserverArgs(l: Layout): string[] {
  const p = l.pki;
  return [
    `--etcd-servers=${url('http', l.ports.etcd)}`,
    `--bind-address=${LOOPBACK}`,
    `--secure-port=${l.ports.apiserver}`,
    `--advertise-address=${LOOPBACK}`,
    // Endpoints may not point at loopback, so the `kubernetes` Service gets none; nothing in
    // this cluster runs real pods that would call it.
    '--endpoint-reconciler-type=none',
    `--tls-cert-file=${p.servingCert}`,
    `--tls-private-key-file=${p.servingKey}`,
    `--client-ca-file=${p.caCert}`,
    // Aggregation layer wiring (kubeadm's layout); without it every delegating component
    // (controller-manager, scheduler) logs a missing request-header CA forever.
    `--requestheader-client-ca-file=${p.frontProxyCaCert}`,
    '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-username-headers=X-Remote-User',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    `--proxy-client-cert-file=${p.frontProxyClient.cert}`,
    `--proxy-client-key-file=${p.frontProxyClient.key}`,
    `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
    `--service-account-key-file=${p.saPublicKey}`,
    `--service-account-signing-key-file=${p.saPrivateKey}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--authorization-mode=Node,RBAC',
    `--enable-admission-plugins=${ADMISSION_PLUGINS.join(',')}`,
    // Cluster-wide privileged is allowed, as on OKE; PodSecurity labels restrict namespaces.
    '--allow-privileged=true',
    '--profiling=false',
  ];
}

/** Cloud-provider controllers: OKE runs them in OCI's cloud controller manager, not here. */
const CLOUD_CONTROLLERS = [
  'cloud-node-lifecycle-controller',
  'service-lb-controller',
  'node-route-controller',
];

export function controllerManagerArgs(l: Layout): string[] {
  const p = l.pki;
  const kc = l.controllerManagerKubeconfig;
  return [
    `--kubeconfig=${kc}`,
    `--authentication-kubeconfig=${kc}`,
    `--authorization-kubeconfig=${kc}`,
    `--bind-address=${LOOPBACK}`,
    `--secure-port=${l.ports.controllerManager}`,
    `--cert-dir=${join(l.dataDir, 'controller-manager')}`,
    '--leader-elect=false',
    '--cluster-name=todo-infra-test',
    `--controllers=*,${CLOUD_CONTROLLERS.map((c) => `-${c}`).join(',')}`,
    // Each controller acts as its own service account, so RBAC is exercised as in a cluster.
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${p.saPrivateKey}`,
    `--root-ca-file=${p.caCert}`,
    `--cluster-signing-cert-file=${p.caCert}`,
    `--cluster-signing-key-file=${p.caKey}`,
    '--profiling=false',
  ];
}

export function schedulerArgs(l: Layout): string[] {
  const kc = l.schedulerKubeconfig;
  return [
    `--kubeconfig=${kc}`,
    `--authentication-kubeconfig=${kc}`,
    `--authorization-kubeconfig=${kc}`,
    `--bind-address=${LOOPBACK}`,
    `--secure-port=${l.ports.scheduler}`,
    `--cert-dir=${join(l.dataDir, 'scheduler')}`,
    '--leader-elect=false',
    '--profiling=false',
  ];
}

export function kwokArgs(l: Layout): string[] {
  return [
    `--kubeconfig=${l.adminKubeconfig}`,
    `--config=${l.kwokConfig}`,
    '--manage-all-nodes=false',
    `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=${KWOK_NODE_ANNOTATION_VALUE}`,
    `--server-address=${LOOPBACK}:${l.ports.kwok}`,
    `--tls-cert-file=${l.pki.kwokServing.cert}`,
    `--tls-private-key-file=${l.pki.kwokServing.key}`,
  ];
}

export interface ProbeTarget {
  scheme: 'http' | 'https';
  port: number;
  path: string;
  /** POST this JSON body instead of a GET. */
  body?: string;
  /** https: the CA file that must have signed the server's certificate. */
  caFile?: string;
  /** https: file whose first certificate the server must present (self-signed serving certs). */
  certFile?: string;
}

/**
 * Calls a component's endpoint; resolves with the body on HTTP 200, else throws. Identity
 * matters as much as health: with several control planes on one machine a port can briefly
 * belong to someone else, so https probes check the server certificate (signed by our CA, or
 * exactly the one the component generated in its cert dir).
 */
export function probe(t: ProbeTarget): Promise<string> {
  return new Promise((resolve, reject) => {
    const tls =
      t.scheme === 'https'
        ? { ca: t.caFile ? readFileSync(t.caFile) : undefined, rejectUnauthorized: !!t.caFile }
        : {};
    const req = (t.scheme === 'https' ? httpsRequest : httpRequest)(
      {
        host: LOOPBACK,
        port: t.port,
        path: t.path,
        method: t.body ? 'POST' : 'GET',
        timeout: 3000,
        agent: false,
        headers: t.body ? { 'content-type': 'application/json' } : {},
        ...tls,
      },
      (res) => {
        if (t.certFile) {
          const served = (res.socket as TLSSocket).getPeerCertificate().raw;
          const ours = new X509Certificate(readFileSync(t.certFile)).raw;
          if (!served || !ours.equals(served)) {
            res.destroy();
            reject(new Error(`port ${t.port} is served by another process`));
            return;
          }
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(body)
            : reject(new Error(`${t.path}: HTTP ${res.statusCode} ${body.slice(0, 300)}`)),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${t.path}: no answer within 3s`)));
    req.on('error', reject);
    req.end(t.body);
  });
}
