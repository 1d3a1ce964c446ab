// `kubectl port-forward` for the Kube contract: a TCP listener on 127.0.0.1 (a random free
// port) whose every accepted connection is carried to the pod's port by its own tunnel
// (portforward-tunnel.ts). Used to reach a Dapr sidecar's HTTP API, which listens on the
// pod's loopback only.
//
// Failures that can be known up front are thrown by portForward() itself, coded: the pod is
// missing or not Running (checked first, as kubectl does), RBAC refuses pods/portforward, the
// API server cannot reach the node's kubelet. That is why the first tunnel is opened before
// returning and kept for the first connection. What only happens per connection (nothing
// listens on the port in the pod) ends that connection and is logged with the kubelet's words.
import { createServer, type Server, type Socket } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../core/log.js';
import { interruptedError } from './abort.js';
import { KubeApiError } from './errors.js';
import { openTunnel, type Tunnel, type TunnelTarget } from './portforward-tunnel.js';
import type { Transport } from './transport.js';
import type { PortForward } from './types.js';

const LOOPBACK = '127.0.0.1';

export interface PortForwardDeps {
  kc: KubeConfig;
  transport: Transport;
  logger: Logger;
  /** The run's signal: aborting it closes the forward. */
  signal: AbortSignal | undefined;
}

export async function startPortForward(
  deps: PortForwardDeps,
  namespace: string,
  pod: string,
  port: number,
): Promise<PortForward> {
  const label = `pod ${namespace}/${pod} port ${port}`;
  const target: TunnelTarget = { namespace, pod, port, label };
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    const why = `${port} is not a TCP port (1-65535)`;
    throw failed(target, why, 'Pass the port the pod listens on.', 'user');
  }
  await requireRunning(deps.transport, target);
  // Every tunnel until its websocket has closed, including ones still finishing their close
  // handshake after the local side went away: close() ends them all.
  const tunnels = new Set<Tunnel>();
  const track = (tunnel: Tunnel) => {
    tunnels.add(tunnel);
    tunnel.socket.on('close', () => tunnels.delete(tunnel));
    return tunnel;
  };
  let spare: Tunnel | undefined = track(await openTunnel(deps.kc, target, deps.signal));
  const dropSpare = (t: Tunnel) => {
    if (spare !== t) return;
    spare = undefined;
    const why = t.errors();
    deps.logger.debug(`port-forward ${target.label}: idle tunnel closed${why ? `: ${why}` : ''}`);
  };
  const first = spare;
  first.socket.on('close', () => dropSpare(first));
  first.socket.on('error', () => dropSpare(first));

  const open = new Set<Socket>();
  const server: Server = createServer((socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', (e) => deps.logger.debug(`port-forward local socket: ${e.message}`));
    const ready = spare
      ? Promise.resolve(spare)
      : openTunnel(deps.kc, target, deps.signal).then(track);
    spare = undefined;
    ready.then(
      (tunnel) => {
        if (socket.destroyed) tunnel.socket.terminate();
        else connect(socket, tunnel, target, deps.logger);
      },
      (error: unknown) => {
        const why = error instanceof Error ? error.message : String(error);
        // Once closing (or interrupted), a tunnel cut short is expected, not news.
        if (closing) deps.logger.debug(why);
        else deps.logger.warn(why);
        socket.destroy();
      },
    );
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      deps.signal?.removeEventListener('abort', onAbort);
      spare = undefined;
      for (const tunnel of tunnels) tunnel.socket.terminate();
      for (const socket of open) socket.destroy();
      server.close(() => resolve());
      deps.logger.debug(`port-forward ${target.label}: closed`);
    });
    return closing;
  };
  const onAbort = () => void close();

  try {
    await listen(server);
  } catch (error) {
    first.socket.terminate();
    const why = error instanceof Error ? error.message : String(error);
    throw failed(target, `cannot listen on ${LOOPBACK}: ${why}`, 'Free a local port and retry.');
  }
  if (deps.signal?.aborted) {
    await close();
    throw interruptedError(`port-forward to ${target.label}`);
  }
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  server.on('error', (e) => deps.logger.debug(`port-forward listener: ${e.message}`));
  const localPort = (server.address() as { port: number }).port;
  deps.logger.debug(`port-forward ${LOOPBACK}:${localPort} -> ${target.label}`);
  return { localPort, close };
}

/** Joins an accepted local connection to its tunnel; either side closing ends both. */
function connect(socket: Socket, tunnel: Tunnel, target: TunnelTarget, logger: Logger): void {
  tunnel.fromPod.pipe(socket);
  socket.pipe(tunnel.toPod);
  tunnel.socket.on('error', (e) => {
    logger.debug(`port-forward ${target.label}: ${e.message}`);
    socket.destroy();
  });
  tunnel.socket.on('close', () => {
    const why = tunnel.errors();
    if (why) {
      // Typically nothing listens on that port in the pod; the client sees a reset, the
      // log says why.
      logger.warn(`port-forward ${target.label}: ${why}`);
      socket.destroy();
    } else {
      tunnel.fromPod.end();
    }
  });
  socket.on('close', () => {
    if (tunnel.socket.readyState <= 1) tunnel.socket.close();
  });
}

async function requireRunning(transport: Transport, target: TunnelTarget): Promise<void> {
  const path =
    `/api/v1/namespaces/${encodeURIComponent(target.namespace)}` +
    `/pods/${encodeURIComponent(target.pod)}`;
  const pod = await transport.getOrUndefined<{ status?: { phase?: string } }>(
    path,
    `read pod ${target.namespace}/${target.pod} to port-forward`,
  );
  if (!pod) {
    throw failed(target, `pod ${target.namespace}/${target.pod} does not exist`, 'Check the name.');
  }
  const phase = pod.status?.phase ?? 'Unknown';
  if (phase !== 'Running') {
    throw failed(
      target,
      `pod ${target.namespace}/${target.pod} is ${phase}, not Running`,
      'Wait for the pod to run (kubectl get pod shows why it does not).',
    );
  }
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function failed(
  target: TunnelTarget,
  why: string,
  hint: string,
  source: 'user' | 'environment' = 'environment',
): KubeApiError {
  const message = `port-forward to ${target.label} failed: ${why}`;
  return new KubeApiError('KUBE_PORT_FORWARD_FAILED', message, 0, undefined, { source, hint });
}
