// `todo-infra down`: removes what `up` created, in reverse. Workloads go first even when the
// cluster is destroyed next: the OCI load balancer behind the ingress Service is created by
// OKE's cloud controller, not by terraform, so destroying the network under it would fail on
// a subnet still in use (and leave a billable LB behind).
import { ExitCode, TodoInfraError, usageError } from '../../core/errors.js';
import type { Config } from '../../config/schema.js';
import type { Journal } from '../../engine/journal.js';
import { PHASE_IDS, type PhaseId } from '../../engine/phase.js';
import type { Globals } from '../global.js';
import { openSession, type Session } from '../session.js';
import { flagsToConfig } from './up.js';

export interface DownOptions {
  keepCluster?: boolean;
  yes?: boolean;
}

interface RecordedRelease {
  name: string;
  namespace: string;
}

export async function runDown(globals: Globals, options: DownOptions): Promise<number> {
  const session = await openSession(globals, {
    command: 'down',
    flags: flagsToConfig(globals),
    lock: true,
    requireValuesFor: [],
  });
  try {
    const { config } = session.loaded;
    const destroyCluster = config.target === 'oke' && !options.keepCluster;
    await confirm(globals, options, config, destroyCluster);
    await removeWorkloads(session, config);
    if (destroyCluster) {
      const { destroyStack } = await import('../../terraform/provision.js');
      const result = await destroyStack({
        config,
        stateDir: globals.stateDir,
        logger: session.log,
        signal: session.signal,
        phase: 'terraform',
      });
      session.log.info(
        result.destroyed
          ? `infrastructure destroyed (state: ${result.stateLocation})`
          : 'no terraform state: no infrastructure to destroy',
      );
    }
    forget(session.journal, destroyCluster);
    process.stderr.write('down: done\n');
    return ExitCode.ok;
  } finally {
    await session.close();
  }
}

async function confirm(globals: Globals, options: DownOptions, config: Config, cluster: boolean) {
  if (options.yes) return;
  const what = cluster
    ? 'all workloads AND the OKE cluster, node pool and network'
    : 'all todo-infra workloads and namespaces';
  if (!globals.interactive) {
    throw usageError(
      'CONFIRMATION_NEEDED',
      `down would delete ${what}`,
      'Pass --yes to confirm when no one can answer a prompt.',
    );
  }
  const { confirm: ask } = await import('@inquirer/prompts');
  const ok = await ask({
    message: `Delete ${what}${cluster ? ` (${config.cluster.name})` : ''}?`,
    default: false,
  });
  if (!ok)
    throw new TodoInfraError('CANCELLED', 'cancelled; nothing was deleted', {
      source: 'user',
      exitCode: ExitCode.usage,
    });
}

async function removeWorkloads(session: Session, config: Config): Promise<void> {
  const releases = recordedReleases(session.journal);
  const journalHasCluster = PHASE_IDS.some(
    (id) =>
      id !== 'preflight' &&
      id !== 'terraform' &&
      id !== 'pipeline' &&
      session.journal.get(id)?.status === 'succeeded',
  );
  if (!journalHasCluster && releases.length === 0) {
    session.log.info('no cluster phases recorded: no workloads to remove');
    return;
  }
  const { helmUninstall } = await import('../../adapters/helm.js');
  const kubeSel = {
    kubeconfig: session.globals.kubeconfig ?? kubeconfigFromJournal(session.journal)?.path,
    context: session.globals.context ?? kubeconfigFromJournal(session.journal)?.context,
  };
  for (const release of releases) {
    session.log.info(`uninstalling helm release ${release.namespace}/${release.name}`);
    await helmUninstall({
      release: release.name,
      namespace: release.namespace,
      ...kubeSel,
      logger: session.log,
      signal: session.signal,
    });
  }
  const { createKube } = await import('../../kube/index.js');
  const kube = await createKube({
    kubeconfigPath: kubeSel.kubeconfig,
    context: kubeSel.context,
    logger: session.log,
  });
  const namespaces = [
    config.apps.namespace,
    config.kafka.namespace,
    config.dapr.namespace,
    config.monitoring.namespace,
    config.ingress.namespace,
  ];
  for (const ns of namespaces) {
    session.log.info(`deleting namespace ${ns}`);
    await kube.delete(
      { apiVersion: 'v1', kind: 'Namespace', name: ns },
      { wait: true, timeoutMs: 600_000 },
    );
  }
}

/** Phases that install a chart record it as outputs.release in outputs.namespace. */
function recordedReleases(journal: Journal): RecordedRelease[] {
  const out: RecordedRelease[] = [];
  for (const id of PHASE_IDS) {
    const o = journal.get(id)?.outputs;
    if (typeof o?.release === 'string' && typeof o.namespace === 'string') {
      out.push({ name: o.release, namespace: o.namespace });
    }
  }
  // Reverse install order: dependants (e.g. the ingress controller) go before what they need.
  return out.reverse();
}

function kubeconfigFromJournal(journal: Journal): { path?: string; context?: string } | undefined {
  const o = journal.get('kubeconfig')?.outputs as
    { kubeconfigPath?: string; context?: string } | undefined;
  return o ? { path: o.kubeconfigPath, context: o.context } : undefined;
}

/** After down, every affected phase must run again on the next `up`. */
function forget(journal: Journal, cluster: boolean): void {
  const keep: PhaseId[] = cluster
    ? ['preflight', 'pipeline']
    : ['preflight', 'pipeline', 'terraform', 'kubeconfig'];
  for (const id of PHASE_IDS) {
    const record = journal.get(id);
    if (!record || keep.includes(id)) continue;
    journal.update(id, { status: 'interrupted', reason: 'removed by todo-infra down' });
  }
}
