// The journal records, per phase, what happened on the last run: status, times, the hash of its
// inputs, its outputs and its last error. It is what makes `up` resumable: a re-run skips a phase
// whose inputs are unchanged and whose checkpoint still passes. Everything written here is
// redacted first; secret values never reach it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TodoInfraError, ExitCode } from '../core/errors.js';
import { redactValue } from '../core/redact.js';
import { removeStaleTempFiles, writeFileAtomic } from './atomic-file.js';
import type { Outputs, PhaseId } from './phase.js';

export type PhaseStatus = 'succeeded' | 'failed' | 'running' | 'interrupted' | 'skipped';

export interface RecordedError {
  code: string;
  message: string;
  hint?: string;
  details?: string[];
}

export interface PhaseRecord {
  status: PhaseStatus;
  startedAt?: string;
  finishedAt?: string;
  inputHash?: string;
  outputs?: Outputs;
  error?: RecordedError;
  /** Why a phase was skipped (e.g. the target has no cloud phases). */
  reason?: string;
  runId?: string;
}

export interface RunRecord {
  id: string;
  command: string;
  startedAt: string;
  finishedAt?: string;
  result?: 'succeeded' | 'failed' | 'interrupted';
  debugLog?: string;
}

export interface JournalData {
  version: 1;
  phases: Partial<Record<PhaseId, PhaseRecord>>;
  lastRun?: RunRecord;
}

export const JOURNAL_FILE = 'journal.json';

export class Journal {
  private data: JournalData;

  private constructor(
    readonly path: string,
    data: JournalData,
  ) {
    this.data = data;
  }

  static load(stateDir: string): Journal {
    const path = join(stateDir, JOURNAL_FILE);
    removeStaleTempFiles(path);
    if (!existsSync(path)) return new Journal(path, { version: 1, phases: {} });
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (cause) {
      throw new TodoInfraError('JOURNAL_UNREADABLE', `the journal ${path} is not valid JSON`, {
        cause,
        source: 'environment',
        exitCode: ExitCode.usage,
        hint:
          `It was edited by hand or copied partially. Move it aside (mv ${path} ${path}.bak) ` +
          'and re-run: phases are re-checked from scratch.',
      });
    }
    if (!isJournalData(parsed)) {
      throw new TodoInfraError('JOURNAL_VERSION', `the journal ${path} has an unknown format`, {
        source: 'environment',
        exitCode: ExitCode.usage,
        hint: `It was written by another todo-infra version. Move it aside and re-run.`,
      });
    }
    return new Journal(path, parsed);
  }

  get(id: PhaseId): PhaseRecord | undefined {
    return this.data.phases[id];
  }

  all(): Partial<Record<PhaseId, PhaseRecord>> {
    return this.data.phases;
  }

  get lastRun(): RunRecord | undefined {
    return this.data.lastRun;
  }

  update(id: PhaseId, record: PhaseRecord): void {
    this.data.phases[id] = redactValue(record);
    this.save();
  }

  setRun(run: RunRecord): void {
    this.data.lastRun = redactValue(run);
    this.save();
  }

  /** Phases left `running` by a process that died are really interrupted. */
  markRunningInterrupted(): void {
    let changed = false;
    for (const record of Object.values(this.data.phases)) {
      if (record?.status === 'running') {
        record.status = 'interrupted';
        changed = true;
      }
    }
    if (changed) this.save();
  }

  private save(): void {
    writeFileAtomic(this.path, JSON.stringify(this.data, null, 2) + '\n');
  }
}

function isJournalData(value: unknown): value is JournalData {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return v.version === 1 && typeof v.phases === 'object' && v.phases !== null;
}
