// Phase kubeconfig (runbook T029–T030): cluster access for the user and for every later phase.
// The kubeconfig comes from the Container Engine API for the cluster terraform created, is
// written to <state dir>/kubeconfig (mode 600) with `todo-infra token` as its exec credential
// plugin, and is merged into ~/.kube/config only when asked (kube.merge; backup first).
// Done means: the API server answers through that kubeconfig and the expected nodes are Ready.
import { statSync } from 'node:fs';
import { TodoInfraError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { CheckResult, Phase, PhaseContext } from '../engine/phase.js';
import type { Kube } from '../kube/types.js';
import type { RetryPolicy } from '../oci/call.js';
import { openSession, sessionOptions } from '../oci/clients.js';
import { expandPath } from '../oci/config-file.js';
import {
  mergeKubeconfig,
  stateKubeconfigPath,
  writeClusterKubeconfig,
  type ExecPlugin,
} from '../oci/kubeconfig.js';
import type { TerraformOutputs } from '../terraform/outputs.js';
import { tasks } from './runbook.js';

export interface KubeconfigPhaseDeps {
  /** The exec plugin command (default: this Node + our bin script). */
  exec?: ExecPlugin;
  /** Merge into ~/.kube/config; else the config's kube.merge (opt-in either way). */
  merge?: boolean;
  mergeTarget?: string;
  retry?: RetryPolicy;
  /** How long run() waits for the nodes (OKE nodes take minutes after the pool is created). */
  nodesReadyTimeoutMs?: number;
  /** The checkpoint's shorter wait: it confirms, it does not wait for provisioning. */
  checkpointTimeoutMs?: number;
  kube?: (path: string, context: string, log: Logger) => Promise<Kube>;
}

const contextName = (ctx: PhaseContext) => `todo-infra-${ctx.config.cluster.name}`;

function clusterOf(ctx: PhaseContext): TerraformOutputs {
  const tf = ctx.outputsOf<TerraformOutputs>('terraform');
  if (!tf?.clusterId) {
    throw new TodoInfraError('KUBECONFIG_NO_CLUSTER', 'terraform recorded no cluster id', {
      phase: 'kubeconfig',
      source: 'user',
      hint: 'Run `todo-infra phase terraform` (or `todo-infra up`) first.',
    });
  }
  return tf;
}

function wantsMerge(ctx: PhaseContext, deps: KubeconfigPhaseDeps): boolean {
  // kube.merge is read defensively: it is the opt-in the CLI's --merge flag sets.
  return deps.merge ?? (ctx.config.kube as { merge?: boolean }).merge === true;
}

/** Arguments that make `todo-infra token` use the same credentials as this run. */
function tokenArgs(ctx: PhaseContext): string[] {
  const o = ctx.config.oci;
  return [
    '--profile',
    o.profile,
    '--oci-config-file',
    expandPath(o.configFile),
    ...(o.endpoint ? ['--oci-endpoint', o.endpoint] : []),
  ];
}

async function defaultKube(path: string, context: string, log: Logger): Promise<Kube> {
  const { createKube } = await import('../kube/index.js');
  return createKube({ kubeconfigPath: path, context, logger: log });
}

/** The phase's own client for its new kubeconfig (ctx.kube() only learns of it afterwards). */
async function withKube(
  make: NonNullable<KubeconfigPhaseDeps['kube']>,
  path: string,
  context: string,
  log: Logger,
  use: (kube: Kube) => Promise<void>,
): Promise<void> {
  const kube = await make(path, context, log);
  try {
    await use(kube);
  } finally {
    await kube.close();
  }
}

export function createKubeconfigPhase(deps: KubeconfigPhaseDeps = {}): Phase {
  const kubeFor = deps.kube ?? defaultKube;
  return {
    id: 'kubeconfig',
    title: 'Cluster access',
    needs: ['terraform'],
    runbook: tasks([29, 30]),
    cloudOnly: true,
    inputs: (ctx) => ({
      clusterId: ctx.outputsOf<TerraformOutputs>('terraform')?.clusterId,
      region: ctx.outputsOf<TerraformOutputs>('terraform')?.region ?? ctx.config.oci.region,
      publicApiEndpoint: ctx.config.cluster.publicApiEndpoint,
      nodeCount: ctx.config.cluster.nodeCount,
      context: contextName(ctx),
      profile: ctx.config.oci.profile,
      configFile: ctx.config.oci.configFile,
      endpoint: ctx.config.oci.endpoint,
      merge: wantsMerge(ctx, deps),
    }),
    plan: async (ctx) => [
      {
        action: 'write',
        what: stateKubeconfigPath(ctx.stateDir),
        detail: `context ${contextName(ctx)}; credentials from \`todo-infra token\` (mode 600)`,
      },
      ...(wantsMerge(ctx, deps)
        ? [
            {
              action: 'write' as const,
              what: deps.mergeTarget ?? '~/.kube/config',
              detail: 'merge the context (a backup is written first)',
            },
          ]
        : []),
      { action: 'wait', what: `${ctx.config.cluster.nodeCount} node(s) Ready` },
    ],
    async run(ctx) {
      const tf = clusterOf(ctx);
      ctx.step('creating the kubeconfig (Container Engine API)');
      const session = openSession({
        ...sessionOptions(ctx.config, ctx.log),
        region: tf.region,
        retry: deps.retry,
        signal: ctx.signal,
      });
      const written = await writeClusterKubeconfig(session, {
        clusterId: tf.clusterId,
        stateDir: ctx.stateDir,
        publicEndpoint: ctx.config.cluster.publicApiEndpoint,
        contextName: contextName(ctx),
        tokenArgs: tokenArgs(ctx),
        exec: deps.exec,
      });
      let merged: { path: string; backup?: string } | undefined;
      if (wantsMerge(ctx, deps)) {
        merged = mergeKubeconfig(written.kubeconfigPath, deps.mergeTarget);
        ctx.log.info(
          `merged context ${written.context} into ${merged.path}` +
            (merged.backup ? ` (backup: ${merged.backup})` : ''),
        );
      }
      const count = ctx.config.cluster.nodeCount;
      const timeoutMs = deps.nodesReadyTimeoutMs ?? 20 * 60_000;
      ctx.waiting(`${count} node(s) Ready`, new Date(Date.now() + timeoutMs));
      await withKube(kubeFor, written.kubeconfigPath, written.context, ctx.log, (kube) =>
        kube.waitForNodesReady(count, { timeoutMs, signal: ctx.signal }),
      );
      ctx.log.info(`kubeconfig: ${written.kubeconfigPath} (context ${written.context})`);
      return {
        kubeconfigPath: written.kubeconfigPath,
        context: written.context,
        server: written.server,
        clusterId: tf.clusterId,
        mergedInto: merged?.path,
      };
    },
    async checkpoint(ctx): Promise<CheckResult> {
      const path = stateKubeconfigPath(ctx.stateDir);
      let mode: number;
      try {
        mode = statSync(path).mode & 0o777;
      } catch {
        return { ok: false, detail: `${path} does not exist` };
      }
      if ((mode & 0o077) !== 0) {
        return { ok: false, detail: `${path} has mode ${mode.toString(8)}, not 600` };
      }
      const count = ctx.config.cluster.nodeCount;
      try {
        await withKube(kubeFor, path, contextName(ctx), ctx.log, (kube) =>
          kube.waitForNodesReady(count, {
            timeoutMs: deps.checkpointTimeoutMs ?? 15_000,
            signal: ctx.signal,
          }),
        );
      } catch (err) {
        return { ok: false, detail: `API server or nodes not ready: ${(err as Error).message}` };
      }
      return { ok: true, detail: `API answers through ${path}; ${count} node(s) Ready` };
    },
  };
}

export const kubeconfigPhase: Phase = createKubeconfigPhase();
