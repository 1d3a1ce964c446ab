// A second kwok, serving the kubelet API of one extra node, so that a port-forward can travel
// the real path: client -> kube-apiserver (authn, RBAC, upgrade, proxy to the node's kubelet
// endpoint) -> kwok's kubelet server, which speaks port-forward with the upstream streaming
// library kubelets use -> a local TCP port standing in for the pod's port.
//
// The control plane's own kwok cannot do this: its fake nodes advertise no reachable kubelet
// address, and it has no port-forward rules. This one manages only its node (a NoSchedule
// taint keeps other tests' pods off it), advertises 127.0.0.1:<its port> as the kubelet
// endpoint and forwards the pods and ports it is given (kwok PortForward rules) to local ports.
//
// What it does not reproduce: a real kubelet dials the port inside the pod's network
// namespace; kwok dials the address in its rule. Nothing runs in the pods.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { kwokConfigYaml } from '../cluster/kwok-config.ts';
import type { KubeClient } from '../cluster/kube-client.ts';
import { ensureTools } from '../tools/build.ts';
import { eventually, uniqueName } from './cluster-helpers.js';

export const KWOK_KUBELET_TAINT = 'todo-infra.test/kwok-kubelet';

export interface Forward {
  namespace: string;
  pod: string;
  port: number;
  /** Local TCP port kwok dials for this pod port. */
  target: number;
}

export interface KwokKubelet {
  node: string;
  /** Fields for a pod spec so the pod lands on this node. */
  placement: Record<string, unknown>;
  log(): string;
  stop(): Promise<void>;
}

/** A port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function portForwardRule(f: Forward) {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'PortForward',
    metadata: { name: f.pod, namespace: f.namespace },
    spec: { forwards: [{ ports: [f.port], target: { address: '127.0.0.1', port: f.target } }] },
  };
}

export async function startKwokKubelet(
  kubeconfigPath: string,
  client: KubeClient,
  forwards: Forward[],
): Promise<KwokKubelet> {
  const { kwok } = await ensureTools(['kwok']);
  const dir = mkdtempSync(join(tmpdir(), 'kwok-kubelet-'));
  const config = join(dir, 'kwok.yaml');
  const rules = forwards.map((f) => stringify(portForwardRule(f), { lineWidth: 0 }));
  writeFileSync(config, [kwokConfigYaml(), ...rules].join('---\n'));
  const node = uniqueName('kwok-kubelet');
  const port = await freePort();
  const logFile = join(dir, 'kwok.log');
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    const args = [
      `--kubeconfig=${kubeconfigPath}`,
      `--config=${config}`,
      `--manage-single-node=${node}`,
      // No certificate given: kwok serves TLS with a generated one, which the API server
      // accepts because (as kubeadm's default) it does not verify kubelet serving certs.
      `--server-address=127.0.0.1:${port}`,
    ];
    // Its own HOME: kwok must not read the invoking user's ~/.kwok/kwok.yaml.
    child = spawn(kwok!, args, { stdio: ['ignore', fd, fd], env: { ...process.env, HOME: dir } });
  } finally {
    closeSync(fd);
  }
  const exited = once(child, 'exit');
  const log = () => readFileSync(logFile, 'utf8');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await client.request('DELETE', `/api/v1/nodes/${node}`);
  };
  try {
    await client.json('POST', '/api/v1/nodes', {
      metadata: { name: node, labels: { 'kubernetes.io/hostname': node } },
      spec: { taints: [{ key: KWOK_KUBELET_TAINT, value: 'true', effect: 'NoSchedule' }] },
      status: {
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
        daemonEndpoints: { kubeletEndpoint: { Port: port } },
        allocatable: { cpu: '2', memory: '12Gi', pods: '110' },
        capacity: { cpu: '2', memory: '12Gi', pods: '110' },
      },
    });
    await eventually(
      () => client.json('GET', `/api/v1/nodes/${node}`),
      (n: any) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'),
      60_000,
    );
  } catch (error) {
    await stop();
    throw new Error(`kwok for ${node} did not come up: ${String(error)}\n${log().slice(-2000)}`);
  }
  return {
    node,
    placement: {
      nodeName: node,
      tolerations: [{ key: KWOK_KUBELET_TAINT, operator: 'Exists' }],
    },
    log,
    stop,
  };
}
