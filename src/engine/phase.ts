// What a phase is. Phases are data: the engine orders them by `needs`, runs independent ones
// concurrently, hashes `inputs()` into the journal to decide whether a re-run can be skipped,
// and asks `checkpoint()` whether the outcome still holds. A phase's file only describes its
// own work; nothing in it knows about other phases except by id.
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import type { Kube } from '../kube/types.js';

/** In runbook order; the engine's order comes from `needs`, this is for display. */
export const PHASE_IDS = [
  'preflight',
  'terraform',
  'kubeconfig',
  'registry',
  'base',
  'ingress',
  'strimzi',
  'kafka',
  'dapr',
  'apps',
  'workers',
  'monitoring',
  'hardening',
  'pipeline',
] as const;
export type PhaseId = (typeof PHASE_IDS)[number];

export function isPhaseId(value: string): value is PhaseId {
  return (PHASE_IDS as readonly string[]).includes(value);
}

export type Outputs = Record<string, unknown>;

/** One line of `up --dry-run`: what the phase would create or change. */
export interface PlanItem {
  action: 'create' | 'apply' | 'install' | 'run' | 'write' | 'check' | 'wait' | 'delete';
  what: string;
  detail?: string;
}

export interface CheckResult {
  ok: boolean;
  /** Shown to the user either way: what was verified, or what is missing. */
  detail: string;
}

/** A file `render` writes; paths are relative to the output directory (runbook layout). */
export interface RenderedFile {
  path: string;
  content: string;
  mode?: number;
}

/** Names of secrets a phase may ask for; sources are configured under `secrets:`. */
export type SecretName = 'dbConnectionString' | 'registryToken';

export interface PhaseContext {
  readonly phase: PhaseId;
  readonly config: Config;
  readonly stateDir: string;
  readonly log: Logger;
  /** Aborted on Ctrl-C; pass it to every wait and subprocess. */
  readonly signal: AbortSignal;
  /** May prompt (a TTY, not CI, no --yes/--ci). */
  readonly interactive: boolean;
  /** Kubeconfig file and context chosen by flag, config or the kubeconfig phase. */
  readonly kubeconfig: { path?: string; context?: string };
  /** Outputs a completed phase recorded in the journal. */
  outputsOf<T extends Outputs = Outputs>(id: PhaseId): T | undefined;
  /** Progress: the phase's current step. */
  step(title: string): void;
  /** Announces a wait; the deadline is shown to the user. */
  waiting(what: string, deadline: Date): void;
  /** Kubernetes access; the client library is imported on first use. */
  kube(): Promise<Kube>;
  /** A secret from its configured source (env, file, prompt); registered for redaction. */
  secret(name: SecretName): Promise<string>;
}

export interface Phase {
  id: PhaseId;
  title: string;
  /** Phases that must have succeeded (or been skipped for the target) first. */
  needs: PhaseId[];
  /** Runbook task ids this phase covers, e.g. ['T036', 'T037']. */
  runbook: string[];
  /** Cloud phases are skipped with `--target existing`. */
  cloudOnly?: boolean;
  /**
   * Everything that determines the outcome (config slices, versions, rendered manifests),
   * hashed into the journal. Never secret values: a hash in a readable file is still a leak
   * for short secrets, so secrets are represented by their source, not their value.
   */
  inputs(ctx: PhaseContext): unknown;
  /** The dry-run plan: what run() would create or change. Must not touch anything. */
  plan(ctx: PhaseContext): Promise<PlanItem[]>;
  /** Does the work; returns outputs for dependants (recorded in the journal, redacted). */
  run(ctx: PhaseContext): Promise<Outputs>;
  /** Verifies the outcome still holds; a re-run skips the phase only when this passes. */
  checkpoint(ctx: PhaseContext): Promise<CheckResult>;
  /** Files for `render --out DIR`; deterministic, no secret values. */
  render?(config: Config): RenderedFile[];
}
