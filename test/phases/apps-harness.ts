// Test harness for the base/ingress/apps phases: a parsed config, a state dir with a real
// Journal, and the engine's own context factory (src/engine/context.ts), so the phases run with
// the same PhaseContext the CLI gives them — real Kube, real secrets reader, real redaction.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type Config, type ConfigInput } from '../../src/config/schema.js';
import { memoryLogger, type Logger } from '../../src/core/log.js';
import { contextFactory } from '../../src/engine/context.js';
import { EventBus, type EngineEvent } from '../../src/engine/events.js';
import { Journal } from '../../src/engine/journal.js';
import type { Outputs, Phase, PhaseContext, PhaseId } from '../../src/engine/phase.js';
import { runPhases, type RunSummary } from '../../src/engine/runner.js';
import { ensureTools } from '../tools/build.ts';

export function makeConfig(input: ConfigInput): Config {
  return configSchema.parse(input);
}

/** Per-file namespace names, so test files sharing one control plane never collide. */
export function isolatedNamespaces(prefix: string): ConfigInput {
  return {
    target: 'existing',
    apps: { namespace: `${prefix}-app` },
    ingress: { namespace: `${prefix}-ing`, className: `${prefix}-nginx` },
    kafka: { namespace: `${prefix}-kafka` },
    dapr: { namespace: `${prefix}-dapr` },
    monitoring: { namespace: `${prefix}-mon` },
  };
}

export interface Harness {
  config: Config;
  stateDir: string;
  journal: Journal;
  events: EngineEvent[];
  log: Logger;
  lines: string[];
  context(phase: Phase): PhaseContext;
  /** Records another phase's outputs as if it had succeeded. */
  pretend(id: PhaseId, outputs: Outputs): void;
  run(all: Phase[], selected: PhaseId[], rerun?: boolean): Promise<RunSummary>;
  journalText(): string;
  cleanup(): void;
}

export function harness(config: Config, kubeconfigPath: string, verbosity = 2): Harness {
  const stateDir = mkdtempSync(join(tmpdir(), 'todo-infra-apps-test-'));
  const journal = Journal.load(stateDir);
  const bus = new EventBus();
  const events: EngineEvent[] = [];
  bus.on((e) => events.push(e));
  const { logger, lines } = memoryLogger(verbosity);
  const factory = contextFactory({
    config,
    stateDir,
    journal,
    events: bus,
    log: logger,
    signal: new AbortController().signal,
    interactive: false,
    kube: { path: kubeconfigPath },
  });
  return {
    config,
    stateDir,
    journal,
    events,
    log: logger,
    lines,
    context: factory,
    pretend(id, outputs) {
      journal.update(id, { status: 'succeeded', outputs, finishedAt: new Date().toISOString() });
    },
    run(all, selected, rerun) {
      return runPhases({
        all,
        selected,
        journal,
        events: bus,
        target: config.target,
        signal: new AbortController().signal,
        rerun,
        makeContext: factory,
      });
    },
    journalText: () => readFileSync(join(stateDir, 'journal.json'), 'utf8'),
    cleanup: () => rmSync(stateDir, { recursive: true, force: true }),
  };
}

/**
 * Real helm from the tool cache (built from the Go module proxy by test/tools/build.ts on
 * first use), exposed the way the product finds it: HELM_BIN.
 */
export async function useCachedHelm(): Promise<string> {
  const { helm } = await ensureTools(['helm']);
  if (!helm) throw new Error('test/tools/build.ts returned no helm binary');
  process.env.HELM_BIN = helm;
  return helm;
}

export const SIMULATOR_CHART = new URL(
  '../fixtures/charts/ingress-nginx-simulator',
  import.meta.url,
).pathname;

/**
 * A local HTTP server playing "the app behind the load balancer": the simulated LB address is
 * 127.0.0.1, and apps.publicUrl points the checks at this port.
 */
export async function startAppServer(
  routes: Record<string, number>,
  fallback = 404,
): Promise<{ url: string; hits: string[]; stop(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const status = routes[req.url ?? ''] ?? fallback;
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(`status ${status}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
