// The cluster's kubeconfig, from the Container Engine API, in its own file under the state dir
// (mode 600). OKE's file runs `oci ce cluster generate-token`; we swap that user for
// `todo-infra token` so the OCI CLI is not needed. The file is never merged into
// ~/.kube/config unless asked, and then into a copy first, with a backup of the original.
//
// The exec command is the absolute path of the Node running us plus the absolute path of our
// bin script, not `todo-infra` on PATH: kubectl (and IDEs, Lens, CI shells) run exec plugins
// with whatever PATH they have, which often lacks a global npm bin or finds an older Node;
// this kubeconfig is machine-local state anyway. If our bin script cannot be found (an unusual
// install layout), it falls back to `todo-infra` on PATH.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { TodoInfraError } from '../core/errors.js';
import { writeFileAtomic } from '../engine/atomic-file.js';
import type { OciSession } from './clients.js';
import { expandPath } from './config-file.js';

export interface ExecPlugin {
  command: string;
  args: string[];
}

export interface KubeconfigOptions {
  clusterId: string;
  stateDir: string;
  /** PUBLIC_ENDPOINT when the API endpoint is public, else PRIVATE_ENDPOINT. */
  publicEndpoint: boolean;
  /** Name for the cluster, user and context entries (unique when merged). */
  contextName: string;
  /** Extra arguments for the token command (profile, config file, endpoint). */
  tokenArgs?: string[];
  exec?: ExecPlugin;
}

export interface KubeconfigResult {
  kubeconfigPath: string;
  context: string;
  server: string;
}

interface NamedEntry {
  name: string;
  [key: string]: unknown;
}
interface KubeconfigDoc {
  clusters?: NamedEntry[];
  users?: NamedEntry[];
  contexts?: NamedEntry[];
  'current-context'?: string;
  [key: string]: unknown;
}

/** `node <bin>` when our bin script is where a checkout or npm install puts it. */
export function defaultExec(): ExecPlugin {
  const bin = fileURLToPath(new URL('../../bin/todo-infra.js', import.meta.url));
  return existsSync(bin)
    ? { command: process.execPath, args: [bin] }
    : { command: 'todo-infra', args: [] };
}

async function streamText(value: unknown): Promise<string> {
  if (typeof value === 'string') return value;
  if (value && typeof (value as ReadableStream).getReader === 'function') {
    return new Response(value as ReadableStream).text();
  }
  const chunks: Buffer[] = [];
  for await (const chunk of value as AsyncIterable<Buffer | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function invalid(why: string): TodoInfraError {
  return new TodoInfraError(
    'OCI_KUBECONFIG_INVALID',
    `the kubeconfig from Container Engine ${why}`,
    { source: 'tool', hint: 'Re-run with -vv; if it persists, the cluster may not be ACTIVE.' },
  );
}

/** Rewrites OKE's kubeconfig: our names, our exec plugin, nothing else of OKE's user kept. */
export function rewriteKubeconfig(
  text: string,
  o: KubeconfigOptions,
  region: string,
): KubeconfigDoc {
  const doc = parse(text) as KubeconfigDoc | null;
  const cluster = doc?.clusters?.[0]?.cluster as { server?: string } | undefined;
  if (!doc || !cluster?.server) throw invalid('has no cluster server');
  const exec = o.exec ?? defaultExec();
  const name = o.contextName;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: exec.command,
            args: [
              ...exec.args,
              'token',
              '--cluster-id',
              o.clusterId,
              '--region',
              region,
              ...(o.tokenArgs ?? []),
            ],
            // The token cache lives in the state dir this kubeconfig belongs to.
            env: [{ name: 'TODO_INFRA_STATE_DIR', value: o.stateDir }],
            interactiveMode: 'Never',
            provideClusterInfo: false,
            installHint:
              'The kubeconfig runs todo-infra to get a token; re-run ' +
              '`todo-infra phase kubeconfig` if todo-infra or Node moved.',
          },
        },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
  };
}

export async function writeClusterKubeconfig(
  s: OciSession,
  o: KubeconfigOptions,
): Promise<KubeconfigResult> {
  const ce = await s.containerEngine();
  const { models } = await import('oci-containerengine');
  const { Endpoint } = models.CreateClusterKubeconfigContentDetails;
  const res = await s.call(`createKubeconfig ${o.clusterId}`, () =>
    ce.createKubeconfig({
      clusterId: o.clusterId,
      createClusterKubeconfigContentDetails: {
        // 2.0.0: the exec-plugin format, the only version the OCI CLI still offers.
        tokenVersion: '2.0.0',
        endpoint: o.publicEndpoint ? Endpoint.PublicEndpoint : Endpoint.PrivateEndpoint,
      },
    }),
  );
  const doc = rewriteKubeconfig(await streamText(res.value), o, s.region);
  const kubeconfigPath = join(o.stateDir, 'kubeconfig');
  writeFileAtomic(kubeconfigPath, stringify(doc), 0o600);
  const server = (doc.clusters?.[0]?.cluster as { server: string }).server;
  s.log.verbose(`wrote ${kubeconfigPath} (context ${o.contextName}, server ${server})`);
  return { kubeconfigPath, context: o.contextName, server };
}

function entries(doc: KubeconfigDoc, key: 'clusters' | 'users' | 'contexts'): NamedEntry[] {
  const list = doc[key];
  return Array.isArray(list) ? list : [];
}

/**
 * Merges our entries into another kubeconfig (opt-in). Entries with our names are replaced,
 * everything else is kept, the current context is only set when there is none, and the
 * original is copied to a timestamped backup first.
 */
export function mergeKubeconfig(
  ours: string,
  target = '~/.kube/config',
): { path: string; backup?: string } {
  const path = expandPath(target);
  const add = parse(readFileSync(ours, 'utf8')) as KubeconfigDoc;
  let base: KubeconfigDoc = { apiVersion: 'v1', kind: 'Config' };
  let backup: string | undefined;
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    try {
      base = (parse(text) as KubeconfigDoc | null) ?? base;
    } catch (cause) {
      throw new TodoInfraError('KUBECONFIG_MERGE_UNPARSABLE', `${path} is not valid YAML`, {
        source: 'user',
        cause,
        hint: `Fix ${path}, or use the separate file with --kubeconfig ${ours}.`,
      });
    }
    backup = `${path}.todo-infra-backup-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    copyFileSync(path, backup);
  }
  for (const key of ['clusters', 'users', 'contexts'] as const) {
    const incoming = entries(add, key);
    const names = new Set(incoming.map((e) => e.name));
    base[key] = [...entries(base, key).filter((e) => !names.has(e.name)), ...incoming];
  }
  if (!base['current-context']) base['current-context'] = add['current-context'];
  writeFileAtomic(path, stringify(base), 0o600);
  return { path, backup };
}

export function stateKubeconfigPath(stateDir: string): string {
  return join(stateDir, 'kubeconfig');
}
