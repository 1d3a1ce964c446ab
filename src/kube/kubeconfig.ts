// Finding and loading the kubeconfig, with the precedence kubectl users expect:
//   --kubeconfig <file>  >  KUBECONFIG (a path list, merged, first definition wins)
//   >  ~/.kube/config  >  in-cluster service account (when running in a pod).
// Then --context picks a context (else the file's current-context). Every way this can go
// wrong gets its own coded error naming the file, variable or flag to fix.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { usageError } from '../core/errors.js';

const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface KubeconfigOptions {
  /** --kubeconfig: one file that must exist. */
  kubeconfigPath?: string;
  /** --context: a context name present in the loaded kubeconfig. */
  context?: string;
  env?: NodeJS.ProcessEnv;
  /** Home directory override, for tests. */
  home?: string;
}

export interface LoadedKubeconfig {
  kc: KubeConfig;
  /** The file read (the first, when KUBECONFIG lists several); undefined in-cluster. */
  path: string | undefined;
  source: 'flag' | 'KUBECONFIG' | 'default' | 'in-cluster';
  context: string;
  server: string;
}

function loadFile(file: string, origin: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw usageError(
      'KUBE_CONFIG_INVALID',
      `Kubeconfig ${file} (from ${origin}) cannot be read: ${reason}`,
      'Fix or regenerate that file (for OKE: `oci ce cluster create-kubeconfig`).',
    );
  }
  return kc;
}

/** kubectl's merge rule: the first file that defines a name wins; later duplicates are ignored. */
function mergeFirstWins(into: KubeConfig, from: KubeConfig): void {
  const has = (list: { name: string }[], name: string) => list.some((x) => x.name === name);
  for (const c of from.clusters) if (!has(into.clusters, c.name)) into.clusters.push(c);
  for (const u of from.users) if (!has(into.users, u.name)) into.users.push(u);
  for (const c of from.contexts) if (!has(into.contexts, c.name)) into.contexts.push(c);
  if (!into.currentContext && from.currentContext) into.currentContext = from.currentContext;
}

function fromEnvList(value: string): { kc: KubeConfig; path: string } {
  const listed = value.split(delimiter).filter((p) => p.length > 0);
  const present = listed.filter((p) => existsSync(p));
  const first = present[0];
  if (first === undefined) {
    throw usageError(
      'KUBE_CONFIG_MISSING',
      `KUBECONFIG lists ${listed.join(delimiter)}, but none of those files exists`,
      'Point KUBECONFIG at an existing kubeconfig, or pass --kubeconfig <file>.',
    );
  }
  const kc = loadFile(first, 'KUBECONFIG');
  for (const file of present.slice(1)) mergeFirstWins(kc, loadFile(file, 'KUBECONFIG'));
  return { kc, path: resolve(first) };
}

function locate(options: KubeconfigOptions): Omit<LoadedKubeconfig, 'context' | 'server'> {
  const env = options.env ?? process.env;
  if (options.kubeconfigPath) {
    const file = resolve(options.kubeconfigPath);
    if (!existsSync(file)) {
      throw usageError(
        'KUBE_CONFIG_MISSING',
        `Kubeconfig file ${file} (--kubeconfig) does not exist`,
        'Pass the path of an existing kubeconfig, or run the kubeconfig phase to create one.',
      );
    }
    return { kc: loadFile(file, '--kubeconfig'), path: file, source: 'flag' };
  }
  if (env.KUBECONFIG) return { ...fromEnvList(env.KUBECONFIG), source: 'KUBECONFIG' };
  const home = options.home ?? env.HOME ?? homedir();
  const defaultFile = join(home, '.kube', 'config');
  if (existsSync(defaultFile)) {
    const kc = loadFile(defaultFile, 'the default location');
    return { kc, path: defaultFile, source: 'default' };
  }
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT && existsSync(SA_TOKEN)) {
    const kc = new KubeConfig();
    kc.loadFromCluster();
    return { kc, path: undefined, source: 'in-cluster' };
  }
  throw usageError(
    'KUBE_CONFIG_MISSING',
    `No kubeconfig found: no --kubeconfig, KUBECONFIG is unset, ${defaultFile} does not exist, ` +
      'and this is not a pod with a service account',
    'Pass --kubeconfig <file> or set KUBECONFIG; the kubeconfig phase writes one for OKE.',
  );
}

export function loadKubeconfig(options: KubeconfigOptions = {}): LoadedKubeconfig {
  const found = locate(options);
  const { kc } = found;
  const where = found.path ?? 'the in-cluster configuration';
  const names = kc.getContexts().map((c) => c.name);
  const wanted = options.context ?? kc.getCurrentContext();
  if (!wanted) {
    throw usageError(
      'KUBE_CONTEXT_UNSET',
      `Kubeconfig ${where} has no current-context`,
      names.length > 0
        ? `Pass --context with one of: ${names.join(', ')}.`
        : 'The file defines no contexts at all; regenerate it.',
    );
  }
  if (!names.includes(wanted)) {
    throw usageError(
      'KUBE_CONTEXT_UNKNOWN',
      `Context "${wanted}" is not defined in ${where}`,
      names.length > 0
        ? `Use one of: ${names.join(', ')} (--context).`
        : 'The file defines no contexts at all; regenerate it.',
    );
  }
  kc.setCurrentContext(wanted);
  const ctx = kc.getContextObject(wanted);
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw usageError(
      'KUBE_CONFIG_INVALID',
      `Context "${wanted}" in ${where} refers to cluster "${ctx?.cluster}", which is not defined`,
      'Regenerate the kubeconfig or fix its clusters section.',
    );
  }
  if (ctx?.user && !kc.getUser(ctx.user)) {
    throw usageError(
      'KUBE_CONFIG_INVALID',
      `Context "${wanted}" in ${where} refers to user "${ctx.user}", which is not defined`,
      'Regenerate the kubeconfig or fix its users section.',
    );
  }
  return { ...found, context: wanted, server: cluster.server };
}

/** The namespace a context defaults to (kubectl semantics), for objects that name none. */
export function contextNamespace(kc: KubeConfig): string {
  return kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
}
