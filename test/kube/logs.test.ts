// podLogs picks the container worth reading and asks for a bounded tail. The local control
// plane has no kubelet to serve logs (kwok runs nothing), so this runs against a scripted
// HTTP server that records the request.
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/core/log.js';
import { createKube } from '../../src/kube/index.js';
import { pickContainer } from '../../src/kube/logs.js';
import type { KubeObject } from '../../src/kube/types.js';
import { startFakeApiServer, type FakeApiServer } from './fake-apiserver.js';

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'backend-1', namespace: 'todo-app' },
  spec: { containers: [{ name: 'daprd' }, { name: 'app' }] },
  status: {
    containerStatuses: [
      { name: 'daprd', state: { running: {} } },
      { name: 'app', state: { waiting: { reason: 'CrashLoopBackOff' } } },
    ],
  },
};

describe('pod logs', () => {
  let server: FakeApiServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('chooses the named container, else the failing one, else the first', () => {
    expect(pickContainer(pod, 'daprd')).toBe('daprd');
    expect(pickContainer(pod)).toBe('app');
    expect(pickContainer({ ...pod, status: {} })).toBe('daprd');
  });

  it('reads a bounded tail of the failing container as text', async () => {
    server = await startFakeApiServer([
      { status: 200, body: pod },
      { status: 200, text: 'starting\npanic: DATABASE_URL is not set\n' },
    ]);
    const kube = await createKube({
      kubeconfigPath: server.kubeconfigPath,
      logger: memoryLogger().logger,
    });
    const text = await kube.podLogs('todo-app', 'backend-1');
    expect(text).toBe('starting\npanic: DATABASE_URL is not set\n');
    const url = new URL(server.requests[1]!.url, 'http://x');
    expect(url.pathname).toBe('/api/v1/namespaces/todo-app/pods/backend-1/log');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      container: 'app',
      tailLines: '200',
      limitBytes: '262144',
    });
    await kube.close();
  });
});
