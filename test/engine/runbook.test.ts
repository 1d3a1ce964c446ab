// Each phase names the runbook tasks it automates. The ids must exist in the runbook itself
// (../shared/runbook/tasks.md) and no task may be claimed by two phases.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allPhases } from '../../src/phases/index.js';
import { tasks } from '../../src/phases/runbook.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = process.env.TODO_INFRA_SHARED_DIR || resolve(repoRoot, '..', 'shared');
const runbookFile = join(shared, 'runbook', 'tasks.md');

describe('runbook task ids', () => {
  it('expand inclusive ranges, zero-padded', () => {
    expect(tasks([8, 10])).toEqual(['T008', 'T009', 'T010']);
    expect(tasks([36, 37], [43, 43])).toEqual(['T036', 'T037', 'T043']);
    expect(tasks([99, 101])).toEqual(['T099', 'T100', 'T101']);
  });

  it('name tasks the runbook has, each claimed by one phase at most', () => {
    expect(existsSync(runbookFile), `${runbookFile} (set TODO_INFRA_SHARED_DIR)`).toBe(true);
    const known = new Set(readFileSync(runbookFile, 'utf8').match(/\bT\d{3}\b/g));
    expect(known.size).toBe(179);
    const owner = new Map<string, string>();
    for (const phase of allPhases()) {
      for (const id of phase.runbook) {
        expect(known.has(id), `${phase.id} names ${id}`).toBe(true);
        expect(owner.get(id), `${id} claimed by ${owner.get(id)} and ${phase.id}`).toBeUndefined();
        owner.set(id, phase.id);
      }
    }
  });
});
