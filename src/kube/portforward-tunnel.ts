// One port-forward tunnel: a websocket to pods/<name>/portforward carrying ONE TCP connection
// to one port of the pod (the websocket flavour of the protocol has no way to multiplex
// several connections over one socket; kubectl's SPDY flavour does, client-node has only this).
//
// client-node's PortForward does the channel protocol (channel 0 data, channel 1 errors, the
// 2-byte port header on each). We give it our own socket factory through its WebSocketHandler
// for what its default one cannot do: read the API server's answer when the upgrade is refused
// (the Status message says *why* — "error dialing backend: ..."; the default only says
// "Unexpected server response: 500"), bound the handshake, and end it on Ctrl-C.
// WebSocketHandler is not re-exported by the package index, hence the path into dist/;
// @kubernetes/client-node is pinned (2.0.1) and has no exports map that would forbid it.
import type { ClientRequest, IncomingMessage } from 'node:http';
import { PassThrough, Writable } from 'node:stream';
import { PortForward as ClientPortForward, type KubeConfig } from '@kubernetes/client-node';
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import WebSocket from 'isomorphic-ws';
import type { TodoInfraError } from '../core/errors.js';
import { interruptedError } from './abort.js';
import { asStatus, KubeApiError } from './errors.js';

/** The parts of a `ws` WebSocket used here (the package ships no types of its own). */
export interface Socketish {
  readonly readyState: number;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(
    event: 'unexpected-response',
    listener: (req: ClientRequest, res: IncomingMessage) => void,
  ): unknown;
  close(): void;
  terminate(): void;
}

export interface Tunnel {
  socket: Socketish;
  /** Bytes from the pod; ended by the caller once the socket closes. */
  fromPod: PassThrough;
  /** Bytes for the pod; ending it closes the websocket (v4 has no half-close). */
  toPod: PassThrough;
  /** What the kubelet wrote on the error channel ("error forwarding port 3500 ..."). */
  errors(): string;
}

export interface TunnelTarget {
  namespace: string;
  pod: string;
  port: number;
  /** "pod todo-app/backend-1 port 3500", for messages. */
  label: string;
}

const HANDSHAKE_TIMEOUT_MS = 30_000;
const MAX_ERROR_TEXT = 4096;

export async function openTunnel(
  kc: KubeConfig,
  target: TunnelTarget,
  signal: AbortSignal | undefined,
): Promise<Tunnel> {
  let refused: { status: number; body: unknown } | undefined;
  let socket: Socketish | undefined;
  const onAbort = () => socket?.terminate();
  const factory = (uri: string, protocols: string[], opts: object) => {
    const ws = new WebSocket(uri, protocols, {
      ...opts,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    }) as Socketish;
    socket = ws;
    // With a listener here `ws` leaves the refused handshake to us: read the Status, then
    // abort, which rejects client-node's connect() through the socket's error event.
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (text.length < 65_536) text += chunk;
      });
      res.on('end', () => {
        refused = { status: res.statusCode ?? 0, body: parseJson(text) };
        ws.terminate();
      });
      res.on('error', () => ws.terminate());
    });
    return ws;
  };
  const errorText: string[] = [];
  const errors = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (errorText.join('').length < MAX_ERROR_TEXT) errorText.push(chunk.toString('utf8'));
      done();
    },
  });
  const fromPod = new PassThrough();
  const toPod = new PassThrough();
  // The handler's own streams are only used by the v5 protocol's close frames, which the
  // portforward endpoint never sends; keep them off process.stdout all the same.
  const unused = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  const handler = new WebSocketHandler(kc, factory as never, unused);
  const forward = new ClientPortForward(kc, true, handler);
  if (signal?.aborted) throw interruptedError(`port-forward to ${target.label}`);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const ws = (await forward.portForward(
      target.namespace,
      target.pod,
      [target.port],
      fromPod,
      errors,
      toPod,
    )) as Socketish;
    return { socket: ws, fromPod, toPod, errors: () => errorText.join('').trim() };
  } catch (error) {
    if (signal?.aborted) throw interruptedError(`port-forward to ${target.label}`, error);
    throw refusedError(target, refused, error);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** The coded error for a tunnel that did not open, quoting the API server when it answered. */
export function refusedError(
  target: TunnelTarget,
  refused: { status: number; body: unknown } | undefined,
  error: unknown,
): TodoInfraError {
  const what = `port-forward to ${target.label}`;
  // client-node rejects with the socket's ErrorEvent; keep only the Error it carries (the
  // event holds the whole websocket).
  const cause = (error as { error?: unknown } | undefined)?.error ?? error;
  if (!refused) {
    const reason = causeText(cause);
    const message = `${what} failed: ${reason}`;
    return new KubeApiError('KUBE_PORT_FORWARD_FAILED', message, 0, undefined, {
      source: 'environment',
      cause,
      hint: 'The API server did not complete the websocket upgrade; check that it is reachable.',
    });
  }
  const st = asStatus(refused.body);
  const text = typeof refused.body === 'string' ? refused.body.trim() : '';
  let message = st?.message ?? (text || `HTTP ${refused.status}`);
  // Kubernetes >= 1.35 also checks "create" for a websocket upgrade (a GET) and refuses
  // that check with an empty reason: 'pods "x" is forbidden: '.
  if (/:\s*$/.test(message)) message = `${message.trim()} (the API server gave no reason)`;
  const { code, hint } = classifyRefusal(refused.status, message, target.namespace);
  return new KubeApiError(code, `${what} failed: ${message}`, refused.status, st?.reason, {
    source: 'environment',
    cause,
    hint,
  });
}

function classifyRefusal(status: number, message: string, namespace: string) {
  if (status === 401) {
    return {
      code: 'KUBE_UNAUTHORIZED',
      hint: 'The API server did not accept the kubeconfig credentials; regenerate the kubeconfig.',
    };
  }
  if (status === 403) {
    return {
      code: 'KUBE_FORBIDDEN',
      hint:
        'Port-forwarding over websockets needs the "get" and "create" verbs on ' +
        `pods/portforward (and "get" on pods) in ${namespace}; use a context that has them.`,
    };
  }
  const hint = /dialing backend|kubelet/i.test(message)
    ? "The API server could not reach the kubelet of the pod's node: check that the node is " +
      'Ready and that the control plane can reach its kubelet port (10250).'
    : 'Check that the pod is running (kubectl get pod); kubectl port-forward says the same.';
  return { code: 'KUBE_PORT_FORWARD_FAILED', hint };
}

function causeText(inner: unknown): string {
  const code = (inner as { code?: unknown } | undefined)?.code;
  const message = inner instanceof Error ? inner.message : String(inner);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
