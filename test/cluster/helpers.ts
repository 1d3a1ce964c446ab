// Small helpers for the harness's own tests: throwaway namespaces and polling an API object
// until a predicate holds. Polling is fine here (the tests check the harness, not the
// product's watch-based waits) and the timeout only bounds a failing test.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from './kube-client.ts';

export async function createNamespace(
  client: KubeClient,
  prefix: string,
  labels: Record<string, string> = {},
): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await client.json('POST', '/api/v1/namespaces', { metadata: { name, labels } });
  return name;
}

/** GETs `path` until `accept(body)` is true; throws with the last body after `timeoutMs`. */
export async function pollUntil(
  client: KubeClient,
  path: string,
  accept: (body: any) => boolean,
  timeoutMs = 60_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const res = await client.request('GET', path);
    last = res.body;
    if (res.status === 200 && accept(res.body)) return res.body;
    await sleep(200);
  }
  throw new Error(
    `condition on ${path} not met within ${timeoutMs} ms; last: ` +
      JSON.stringify(last)?.slice(0, 2000),
  );
}

export const condition = (obj: any, type: string): any =>
  obj?.status?.conditions?.find((c: any) => c.type === type);
