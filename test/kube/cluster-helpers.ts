// Shared set-up for the Kubernetes layer's tests against the real local control plane.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { memoryLogger } from '../../src/core/log.js';
import { createKube, type Kube, type KubeOptions } from '../../src/kube/index.js';
import type { KubeClient } from '../cluster/kube-client.ts';

export interface TestKube {
  kube: Kube;
  /** Every line the layer logged (debug level): API calls, watch restarts. */
  lines: string[];
}

export async function testKube(
  kubeconfigPath: string,
  watchTimeoutSeconds?: number,
  retry?: KubeOptions['retry'],
  signal?: AbortSignal,
): Promise<TestKube> {
  const { logger, lines } = memoryLogger(2);
  const kube = await createKube({
    kubeconfigPath,
    logger,
    watchTimeoutSeconds,
    retry,
    env: {},
    signal,
  });
  return { kube, lines };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/**
 * Resolves once a logged line matches — how a test knows a watch really restarted before it
 * flips a condition. The bound only limits a failing test.
 */
export async function logged(
  lines: string[],
  pattern: RegExp,
  count = 1,
  boundMs = 60_000,
): Promise<void> {
  const until = Date.now() + boundMs;
  while (lines.filter((l) => pattern.test(l)).length < count) {
    if (Date.now() > until) {
      const tail = lines.slice(-15).join('\n');
      throw new Error(`no log line matching ${pattern} within ${boundMs} ms; last lines:\n${tail}`);
    }
    await sleep(50);
  }
}

/** Polls the API (test-side only) until `accept` holds; bounded to keep failing tests finite. */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (v: T) => boolean,
  boundMs = 60_000,
): Promise<T> {
  const until = Date.now() + boundMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > until)
      throw new Error(
        `condition not met within ${boundMs} ms: ${JSON.stringify(value)?.slice(0, 500)}`,
      );
    await sleep(100);
  }
}

export async function podsOf(client: KubeClient, ns: string, selector: string): Promise<any[]> {
  const body = await client.json(
    'GET',
    `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`,
  );
  return body.items;
}

/** A copy of a kubeconfig whose server URL is replaced (to route through a proxy). */
export function kubeconfigVia(kubeconfigPath: string, server: string): string {
  const doc = parse(readFileSync(kubeconfigPath, 'utf8'));
  for (const c of doc.clusters) c.cluster.server = server;
  const path = join(mkdtempSync(join(tmpdir(), 'kube-via-')), 'kubeconfig');
  writeFileSync(path, stringify(doc), { mode: 0o600 });
  return path;
}

const created = new Set<string>();

/** Remembers a namespace a test creates, for deleteTestNamespaces(). */
export function trackNamespace(name: string): string {
  created.add(name);
  return name;
}

/** A Namespace manifest; the name is remembered so the file can delete it at the end. */
export const namespace = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: trackNamespace(name) },
});

/**
 * Deletes every namespace this file's tests used (without waiting), so their pods stop
 * holding the shared fake node's CPU for the test files that run after this one.
 */
export async function deleteTestNamespaces(kube: Kube): Promise<void> {
  for (const name of created) await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name });
  created.clear();
}

export function deployment(
  ns: string,
  name: string,
  podSpec: Record<string, unknown> = {},
  replicas = 1,
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'ghcr.io/acme/todo-backend:1.0.0',
              resources: {
                requests: { cpu: '10m', memory: '16Mi' },
                limits: { cpu: '100m', memory: '64Mi' },
              },
            },
          ],
          ...podSpec,
        },
      },
    },
  };
}
