// Builds the PhaseContext each phase receives: the parsed config, a scoped logger, the journal's
// outputs of other phases, progress reporting, secrets and lazily created Kubernetes access.
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import type { Kube } from '../kube/types.js';
import type { EventBus } from './events.js';
import type { Journal } from './journal.js';
import type { Outputs, Phase, PhaseContext, PhaseId } from './phase.js';
import { secretReader } from './secrets.js';

export interface KubeSelection {
  /** From --kubeconfig / --context flags or the config file. */
  path?: string;
  context?: string;
}

export interface ContextFactoryOptions {
  config: Config;
  stateDir: string;
  journal: Journal;
  events: EventBus;
  log: Logger;
  signal: AbortSignal;
  interactive: boolean;
  kube: KubeSelection;
}

/** Returns a factory; Kubernetes access is shared by all phases of one run. */
export function contextFactory(options: ContextFactoryOptions): (phase: Phase) => PhaseContext {
  const secrets = secretReader(options.config, options.interactive);
  let kube: Promise<Kube> | undefined;
  let kubeKey = '';

  const selection = (): { path?: string; context?: string } => {
    // An explicit flag or config value wins; otherwise the kubeconfig phase's output.
    if (options.kube.path || options.kube.context) return { ...options.kube };
    const out = options.journal.get('kubeconfig')?.outputs as
      { kubeconfigPath?: string; context?: string } | undefined;
    if (out?.kubeconfigPath) return { path: out.kubeconfigPath, context: out.context };
    return {};
  };

  return (phase) => {
    const log = options.log.child(phase.id);
    return {
      phase: phase.id,
      config: options.config,
      stateDir: options.stateDir,
      log,
      signal: options.signal,
      interactive: options.interactive,
      get kubeconfig() {
        return selection();
      },
      outputsOf<T extends Outputs = Outputs>(id: PhaseId): T | undefined {
        const record = options.journal.get(id);
        return record?.status === 'succeeded' ? (record.outputs as T | undefined) : undefined;
      },
      step(title) {
        log.verbose(title);
        options.events.emit({ type: 'step', phase: phase.id, title });
      },
      waiting(what, deadline) {
        const at = deadline.toISOString();
        log.verbose(`waiting for ${what} (until ${at})`);
        options.events.emit({ type: 'wait', phase: phase.id, what, deadline: at });
      },
      kube() {
        const sel = selection();
        const key = `${sel.path ?? ''}|${sel.context ?? ''}`;
        if (!kube || key !== kubeKey) {
          kubeKey = key;
          kube = import('../kube/index.js').then((m) =>
            m.createKube({
              kubeconfigPath: sel.path,
              context: sel.context,
              logger: options.log,
              signal: options.signal,
            }),
          );
        }
        return kube;
      },
      secret(name) {
        return secrets.read(name);
      },
    };
  };
}
