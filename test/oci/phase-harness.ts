// Runs the kubeconfig and registry phases with the engine's own PhaseContext (real Journal,
// real secrets reader, real redaction) against the OCI API simulator.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type Config, type ConfigInput } from '../../src/config/schema.js';
import { memoryLogger, type Logger } from '../../src/core/log.js';
import { contextFactory } from '../../src/engine/context.js';
import { EventBus } from '../../src/engine/events.js';
import { Journal } from '../../src/engine/journal.js';
import type { Outputs, Phase, PhaseContext, PhaseId } from '../../src/engine/phase.js';
import type { Fixture } from './fixtures.ts';

export interface PhaseHarness {
  config: Config;
  stateDir: string;
  journal: Journal;
  log: Logger;
  lines: string[];
  context(phase: Phase): PhaseContext;
  pretend(id: PhaseId, outputs: Outputs): void;
  journalText(): string;
  cleanup(): void;
}

/** Config pointing every OCI client at the simulator with the fixture's credentials. */
export function simConfig(fx: Fixture, extra: ConfigInput = {}): Config {
  const input = extra as Record<string, Record<string, unknown> | undefined>;
  return configSchema.parse({
    ...extra,
    oci: { configFile: fx.configFile, endpoint: fx.sim.url, ...(input.oci ?? {}) },
  });
}

export function phaseHarness(
  config: Config,
  kube: { path?: string; context?: string } = {},
): PhaseHarness {
  const stateDir = mkdtempSync(join(tmpdir(), 'todo-infra-oci-phase-'));
  const journal = Journal.load(stateDir);
  const { logger, lines } = memoryLogger(2);
  const factory = contextFactory({
    config,
    stateDir,
    journal,
    events: new EventBus(),
    log: logger,
    signal: new AbortController().signal,
    interactive: false,
    kube,
  });
  return {
    config,
    stateDir,
    journal,
    log: logger,
    lines,
    context: factory,
    pretend(id, outputs) {
      journal.update(id, { status: 'succeeded', outputs, finishedAt: new Date().toISOString() });
    },
    journalText: () => {
      try {
        return readFileSync(join(stateDir, 'journal.json'), 'utf8');
      } catch {
        return '';
      }
    },
    cleanup: () => rmSync(stateDir, { recursive: true, force: true }),
  };
}

/** Terraform outputs as the terraform phase records them, for a simulated cluster. */
export function terraformOutputs(fx: Fixture, clusterId: string): Outputs {
  return {
    compartmentId: fx.sim.state.tenancyId,
    clusterId,
    clusterEndpoint: '203.0.113.10:6443',
    publicEndpoint: '203.0.113.10:6443',
    privateEndpoint: '10.0.2.5:6443',
    kubernetesVersion: 'v1.34.1',
    nodeCount: 1,
    region: 'eu-frankfurt-1',
    availabilityDomains: fx.sim.state.availabilityDomains,
  };
}
