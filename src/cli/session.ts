// Everything an engine command (up, phase) sets up around a run and tears down after it:
// debug log, config, lock, journal, renderer, Ctrl-C handling. Kept apart from the commands so
// each of them reads as the few decisions that make it different.
import { configureLogger, type Logger } from '../core/log.js';
import { ExitCode } from '../core/errors.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { EventBus } from '../engine/events.js';
import { Journal } from '../engine/journal.js';
import { acquireLock, type Lock } from '../engine/lock.js';
import { contextFactory } from '../engine/context.js';
import type { Phase, PhaseContext, PhaseId } from '../engine/phase.js';
import { debugLogPath, type Globals } from './global.js';
import { jsonRenderer } from './ui/json.js';
import { plainRenderer } from './ui/plain.js';
import { askMissing } from './prompts/missing.js';

export interface Session {
  globals: Globals;
  loaded: LoadedConfig;
  journal: Journal;
  events: EventBus;
  log: Logger;
  signal: AbortSignal;
  /** Builds each phase's context from this session (config, journal, events, signal). */
  contextFactory(): (phase: Phase) => PhaseContext;
  /** Lets the live view draw its final state; later output then goes below it. */
  stopRenderer(): Promise<void>;
  /** Starts the renderer for these phases (live view needs to know them up front). */
  startRenderer(phases: { id: PhaseId; title: string }[]): Promise<void>;
  close(): Promise<void>;
}

export interface SessionOptions {
  command: string;
  flags: Record<string, unknown>;
  /** Takes the state-dir lock (runs that change things); read-only commands don't. */
  lock: boolean;
  /** Prompt for (or demand) values these phases need that nothing provided. */
  requireValuesFor: readonly PhaseId[];
}

export async function openSession(globals: Globals, options: SessionOptions): Promise<Session> {
  const log = configureLogger({
    verbosity: globals.verbosity,
    file: debugLogPath(globals.stateDir, options.command.replace(/\s+/g, '-')),
  });
  log.debug(
    `todo-infra ${process.argv.slice(2).join(' ')} (node ${process.version}, pid ${process.pid})`,
  );
  let loaded = loadConfig({ configFile: globals.configFile, flags: options.flags });
  if (options.requireValuesFor.length > 0) {
    const prompted = await askMissing(loaded.config, globals, options.requireValuesFor);
    if (Object.keys(prompted).length > 0) {
      loaded = loadConfig({ configFile: globals.configFile, flags: options.flags, prompted });
    }
  }
  log.verbose(`config: ${loaded.file ?? 'no file (defaults, environment and flags)'}`);
  for (const warning of loaded.warnings) log.warn(warning);
  const lock: Lock | undefined = options.lock
    ? acquireLock(globals.stateDir, options.command)
    : undefined;
  if (lock?.tookOverFrom) {
    log.warn(
      `took over a stale lock left by pid ${lock.tookOverFrom.pid} (${lock.tookOverFrom.command})`,
    );
  }
  let journal: Journal;
  try {
    journal = Journal.load(globals.stateDir);
    if (options.lock) journal.markRunningInterrupted();
  } catch (err) {
    // No session is returned, so nobody would call close(): release the lock here.
    lock?.release();
    throw err;
  }

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts === 1) {
      log.warn(`${sig} received: stopping after cleanup (press Ctrl-C again to quit at once)`);
      controller.abort();
      return;
    }
    // Second Ctrl-C: the journal is written atomically, so leaving now cannot corrupt it.
    lock?.release();
    process.exit(ExitCode.interrupted);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const events = new EventBus();
  let live: { stop(): Promise<void> } | undefined;
  const stopRenderer = async () => {
    const current = live;
    live = undefined;
    await current?.stop();
  };
  return {
    globals,
    loaded,
    journal,
    events,
    log,
    signal: controller.signal,
    contextFactory() {
      return contextFactory({
        config: loaded.config,
        stateDir: globals.stateDir,
        journal,
        events,
        log,
        signal: controller.signal,
        interactive: globals.interactive,
        kube: { path: globals.kubeconfig, context: globals.context },
      });
    },
    async startRenderer(phases) {
      if (globals.output === 'json') {
        events.on(jsonRenderer());
      } else if (useLive(globals)) {
        const { startLiveRenderer } = await import('./ui/live.js');
        live = await startLiveRenderer(events, phases);
      } else {
        events.on(plainRenderer());
      }
    },
    stopRenderer,
    async close() {
      await stopRenderer();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      lock?.release();
    },
  };
}

/** The live view only on a real terminal, outside CI, and when nothing else writes lines. */
function useLive(globals: Globals): boolean {
  return (
    Boolean(process.stderr.isTTY) &&
    !globals.ci &&
    globals.verbosity === 0 &&
    globals.output === 'text'
  );
}
