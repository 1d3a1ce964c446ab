// Kube.portForward's plumbing against portforward-simulator.ts (the API server's upgrade plus
// the kubelet's v4 channel framing): bytes both ways, one tunnel per local connection, the
// first tunnel opened before portForward() resolves, the kubelet's error channel, refused
// upgrades quoted, close() and the run signal leaving nothing open on either side.
// The same against the real API server and kwok's kubelet server: portforward.cluster.test.ts.
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, TodoInfraError } from '../../src/core/errors.js';
import { memoryLogger } from '../../src/core/log.js';
import { createKube } from '../../src/kube/index.js';
import type { Kube, PortForward } from '../../src/kube/types.js';
import { startPortForwardSimulator, type PortForwardSimulator } from './portforward-simulator.js';

/** A "pod port": answers each line with the line upper-cased; counts open connections. */
let echo: Server;
const echoSockets = new Set<Socket>();
beforeAll(async () => {
  echo = createServer((s) => {
    echoSockets.add(s);
    s.on('close', () => echoSockets.delete(s));
    s.on('data', (d) => s.write(d.toString().toUpperCase()));
  });
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
});
afterAll(() => new Promise<void>((r) => echo.close(() => r())));

let sim: PortForwardSimulator | undefined;
let kube: Kube | undefined;
let forward: PortForward | undefined;
afterEach(async () => {
  await forward?.close();
  await kube?.close();
  await sim?.close();
  forward = kube = sim = undefined;
});

async function setUp(signal?: AbortSignal) {
  const echoPort = (echo.address() as AddressInfo).port;
  sim = await startPortForwardSimulator({
    'todo-app/backend-1': { forwardTo: echoPort },
    'todo-app/closed-port': {
      dialFails:
        'error forwarding port 3500 to pod closed-port: ' +
        'dial tcp 127.0.0.1:3500: connect: connection refused',
    },
    'todo-app/pending': { phase: 'Pending' },
    'todo-app/far-node': {
      refuse: {
        code: 500,
        reason: 'InternalError',
        message: 'error dialing backend: dial tcp 10.0.10.10:10250: i/o timeout',
      },
    },
    'todo-app/locked': {
      refuse: {
        code: 403,
        reason: 'Forbidden',
        message:
          'pods "locked" is forbidden: User "dev" cannot get resource "pods/portforward" ' +
          'in API group "" in the namespace "todo-app"',
      },
    },
    'todo-app/unexplained': {
      refuse: { code: 403, reason: 'Forbidden', message: 'pods "unexplained" is forbidden: ' },
    },
    'todo-app/hangs': { hang: true },
    'todo-app/cut': { drop: true },
  });
  const { logger, lines } = memoryLogger(2);
  kube = await createKube({ kubeconfigPath: sim.kubeconfigPath, logger, signal, env: {} });
  return { lines, sim, kube };
}

/** Sends one line through the local port and reads the answer. */
async function roundTrip(port: number, text: string): Promise<string> {
  const s = connect(port, '127.0.0.1');
  s.write(text);
  let got = '';
  for await (const chunk of s) {
    got += chunk.toString();
    if (got.length >= text.length) break;
  }
  s.destroy();
  return got;
}

async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !ok(); i++) await sleep(25);
  if (!ok()) throw new Error(`never happened: ${what}`);
}

async function refusedConnection(port: number): Promise<string | undefined> {
  const s = connect(port, '127.0.0.1');
  const [error] = (await once(s, 'error').catch((e: unknown) => [e])) as [NodeJS.ErrnoException];
  return error.code;
}

async function rejection(p: Promise<unknown>): Promise<TodoInfraError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(TodoInfraError);
  return e as TodoInfraError;
}

describe('portForward', () => {
  it('carries bytes both ways; a tunnel per connection, the first opened up front', async () => {
    const { sim, kube } = await setUp();
    forward = await kube.portForward!('todo-app', 'backend-1', 3500);
    // The first tunnel is already open: a refusal would have been thrown above.
    expect(sim.openConnections()).toBe(1);
    expect(sim.upgrades[0]).toMatchObject({
      url: '/api/v1/namespaces/todo-app/pods/backend-1/portforward?ports=3500',
      authorization: 'Bearer not-a-real-token',
    });
    expect(sim.upgrades[0]!.protocols).toContain('v4.channel.k8s.io');

    expect(await roundTrip(forward.localPort, 'publish one\n')).toBe('PUBLISH ONE\n');
    const both = await Promise.all([
      roundTrip(forward.localPort, 'first\n'),
      roundTrip(forward.localPort, 'second\n'),
    ]);
    expect(both).toEqual(['FIRST\n', 'SECOND\n']);
    // The spare served the first connection; each later one had its own upgrade.
    expect(sim.upgrades).toHaveLength(3);
    await until(() => sim.openConnections() === 0, 'closed local sockets closed their tunnels');
  });

  it('close() stops listening and leaves no tunnel or pod connection open', async () => {
    const { sim, kube } = await setUp();
    forward = await kube.portForward!('todo-app', 'backend-1', 3500);
    const held = connect(forward.localPort, '127.0.0.1');
    held.write('still here\n');
    const [answer] = (await once(held, 'data')) as [Buffer];
    expect(answer.toString()).toBe('STILL HERE\n');
    expect(echoSockets.size).toBe(1);
    await forward.close();
    await forward.close(); // idempotent
    await once(held, 'close');
    expect(await refusedConnection(forward.localPort)).toBe('ECONNREFUSED');
    await until(() => sim.openConnections() === 0, 'the simulator saw every tunnel close');
    await until(() => echoSockets.size === 0, 'the pod port saw its connection close');
  });

  it("ends a connection whose pod port refuses, logging the kubelet's words", async () => {
    const { lines, kube } = await setUp();
    forward = await kube.portForward!('todo-app', 'closed-port', 3500);
    const s = connect(forward.localPort, '127.0.0.1');
    s.on('error', () => undefined);
    await once(s, 'close');
    const said = /warn .*port-forward pod todo-app\/closed-port port 3500: error forwarding port/;
    expect(lines.some((l) => said.test(l) && l.endsWith('connection refused'))).toBe(true);
  });

  it('quotes the API server when it refuses the upgrade, coded by why', async () => {
    const { kube } = await setUp();
    const far = await rejection(kube.portForward!('todo-app', 'far-node', 3500));
    expect(far.code).toBe('KUBE_PORT_FORWARD_FAILED');
    expect(far.message).toBe(
      'port-forward to pod todo-app/far-node port 3500 failed: error dialing backend: ' +
        'dial tcp 10.0.10.10:10250: i/o timeout',
    );
    expect(far.hint).toMatch(/could not reach the kubelet/);
    const locked = await rejection(kube.portForward!('todo-app', 'locked', 3500));
    expect(locked.code).toBe('KUBE_FORBIDDEN');
    expect(locked.message).toContain('cannot get resource "pods/portforward"');
    expect(locked.hint).toMatch(/"get" and "create" verbs on pods\/portforward .* in todo-app/);
    const bare = await rejection(kube.portForward!('todo-app', 'unexplained', 3500));
    expect(bare.message).toBe(
      'port-forward to pod todo-app/unexplained port 3500 failed: ' +
        'pods "unexplained" is forbidden: (the API server gave no reason)',
    );
  });

  it('reports a connection cut during the upgrade with the network error', async () => {
    const { kube } = await setUp();
    const cut = await rejection(kube.portForward!('todo-app', 'cut', 3500));
    expect(cut.code).toBe('KUBE_PORT_FORWARD_FAILED');
    expect(cut.message).toMatch(
      /^port-forward to pod todo-app\/cut port 3500 failed: (ECONNRESET: )?socket hang up$/,
    );
    expect(cut.cause).toBeInstanceOf(Error);
  });

  it('refuses a missing or not-running pod before asking for an upgrade', async () => {
    const { sim, kube } = await setUp();
    const missing = await rejection(kube.portForward!('todo-app', 'nope', 3500));
    expect(missing.code).toBe('KUBE_PORT_FORWARD_FAILED');
    expect(missing.message).toBe(
      'port-forward to pod todo-app/nope port 3500 failed: pod todo-app/nope does not exist',
    );
    const pending = await rejection(kube.portForward!('todo-app', 'pending', 3500));
    expect(pending.message).toMatch(/pod todo-app\/pending is Pending, not Running$/);
    const port = await rejection(kube.portForward!('todo-app', 'backend-1', 0));
    expect(port.message).toMatch(/0 is not a TCP port/);
    expect(sim.upgrades).toEqual([]);
  });

  it('the run signal ends an upgrade that hangs, and closes an open forward', async () => {
    const run = new AbortController();
    const { sim, kube } = await setUp(run.signal);
    forward = await kube.portForward!('todo-app', 'backend-1', 3500);
    const port = forward.localPort;
    const hanging = rejection(kube.portForward!('todo-app', 'hangs', 3500));
    await until(() => sim.upgrades.length === 2, 'the second upgrade reached the server');
    run.abort();
    const error = await hanging;
    expect(error.code).toBe('INTERRUPTED');
    expect(error.exitCode).toBe(ExitCode.interrupted);
    expect(error.message).toBe('port-forward to pod todo-app/hangs port 3500: interrupted');
    await until(() => sim.openConnections() === 0, 'the open forward closed its tunnel');
    expect(await refusedConnection(port)).toBe('ECONNREFUSED');
  });
});
