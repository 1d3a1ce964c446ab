// The phase graph: ordering, validation, dependency closure — and the real registry's graph,
// whose shape the issue fixes (cluster before Kubernetes, strimzi before kafka, hardening last).
import { describe, expect, it } from 'vitest';
import { TodoInfraError } from '../../src/core/errors.js';
import {
  ancestors,
  topoOrder,
  validateGraph,
  withDependencies,
  type GraphNode,
} from '../../src/engine/graph.js';
import type { PhaseId } from '../../src/engine/phase.js';
import { PHASE_IDS } from '../../src/engine/phase.js';
import { allPhases } from '../../src/phases/index.js';

const n = (id: string, ...needs: string[]): GraphNode => ({
  id: id as PhaseId,
  needs: needs as PhaseId[],
});

function thrown(fn: () => unknown): TodoInfraError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TodoInfraError);
    return err as TodoInfraError;
  }
  throw new Error('expected a TodoInfraError, nothing was thrown');
}

describe('topoOrder', () => {
  it('keeps the declared order among independent phases', () => {
    // c and b are independent of each other; declared c before b, so c comes first.
    const nodes = [n('a'), n('c', 'a'), n('b', 'a'), n('d', 'b', 'c')];
    expect(topoOrder(nodes)).toEqual(['a', 'c', 'b', 'd']);
    const swapped = [n('a'), n('b', 'a'), n('c', 'a'), n('d', 'b', 'c')];
    expect(topoOrder(swapped)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('moves a phase after its dependencies even when declared before them', () => {
    expect(topoOrder([n('late', 'early'), n('x'), n('early')])).toEqual(['x', 'early', 'late']);
  });

  it('is stable from call to call', () => {
    const nodes = [n('a'), n('b'), n('c', 'a'), n('d', 'b'), n('e', 'c', 'd')];
    expect(topoOrder(nodes)).toEqual(topoOrder(nodes));
  });
});

describe('validateGraph', () => {
  it('names the cycle with every phase on it', () => {
    const err = thrown(() => validateGraph([n('a'), n('b', 'a', 'd'), n('c', 'b'), n('d', 'c')]));
    expect(err.code).toBe('GRAPH_CYCLE');
    // The cycle b → d → c → b (in some rotation); "a" is not on it.
    expect(err.message).toMatch(/cycle: /);
    const path = err.message.split('cycle: ')[1]!.split(' → ');
    expect(path[0]).toBe(path[path.length - 1]);
    expect(new Set(path)).toEqual(new Set(['b', 'c', 'd']));
  });

  it('reports a self-dependency as a cycle', () => {
    const err = thrown(() => validateGraph([n('a', 'a')]));
    expect(err.code).toBe('GRAPH_CYCLE');
    expect(err.message).toContain('a → a');
  });

  it('names the phase and the unknown dependency', () => {
    const err = thrown(() => validateGraph([n('a'), n('b', 'a', 'zookeeper')]));
    expect(err.code).toBe('GRAPH_UNKNOWN_DEPENDENCY');
    expect(err.message).toContain('b');
    expect(err.message).toContain('zookeeper');
  });

  it('topoOrder refuses a cyclic graph instead of returning a partial order', () => {
    expect(() => topoOrder([n('a', 'b'), n('b', 'a')])).toThrow(/cycle/);
  });
});

describe('withDependencies / ancestors', () => {
  const nodes = [n('a'), n('b', 'a'), n('c', 'a'), n('d', 'b'), n('e', 'd', 'c'), n('f')];

  it('closes the targets under their transitive dependencies, in topological order', () => {
    expect(withDependencies(nodes, ['d' as PhaseId])).toEqual(['a', 'b', 'd']);
    expect(withDependencies(nodes, ['e' as PhaseId])).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(withDependencies(nodes, ['f' as PhaseId, 'c' as PhaseId])).toEqual(['a', 'c', 'f']);
  });

  it('ancestors excludes the phase itself', () => {
    expect(ancestors(nodes, 'e' as PhaseId)).toEqual(['a', 'b', 'c', 'd']);
    expect(ancestors(nodes, 'a' as PhaseId)).toEqual([]);
  });
});

describe('the real phase registry', () => {
  const phases = allPhases();
  const order = topoOrder(phases);
  const pos = (id: PhaseId) => order.indexOf(id);
  const before = (a: PhaseId, b: PhaseId) =>
    expect(pos(a), `${a} before ${b}`).toBeLessThan(pos(b));

  it("validates and holds exactly the issue's phase ids", () => {
    expect(() => validateGraph(phases)).not.toThrow();
    expect(new Set(phases.map((p) => p.id))).toEqual(new Set(PHASE_IDS));
    expect(phases).toHaveLength(PHASE_IDS.length);
  });

  it('starts with preflight and needs nothing before it', () => {
    expect(order[0]).toBe('preflight');
    expect(phases.find((p) => p.id === 'preflight')!.needs).toEqual([]);
    // Every other phase depends on preflight, directly or transitively.
    for (const p of phases.filter((x) => x.id !== 'preflight')) {
      expect(ancestors(phases, p.id), p.id).toContain('preflight');
    }
  });

  it('puts the cluster before anything in Kubernetes', () => {
    for (const id of [
      'base',
      'registry',
      'ingress',
      'strimzi',
      'kafka',
      'dapr',
      'apps',
      'workers',
      'monitoring',
      'hardening',
    ] as PhaseId[]) {
      expect(ancestors(phases, id), id).toEqual(
        expect.arrayContaining(['terraform', 'kubeconfig']),
      );
    }
  });

  it('runs strimzi before kafka, kafka and dapr before workers, hardening after the workloads', () => {
    before('strimzi', 'kafka');
    expect(ancestors(phases, 'kafka')).toContain('strimzi');
    expect(ancestors(phases, 'workers')).toEqual(expect.arrayContaining(['kafka', 'dapr']));
    expect(ancestors(phases, 'hardening')).toEqual(
      expect.arrayContaining(['apps', 'workers', 'monitoring']),
    );
    for (const id of ['apps', 'workers', 'monitoring'] as PhaseId[]) before(id, 'hardening');
  });

  it('leaves ingress, strimzi and dapr independent of each other, so they can run at once', () => {
    for (const [a, b] of [
      ['ingress', 'strimzi'],
      ['ingress', 'dapr'],
      ['strimzi', 'dapr'],
    ] as const) {
      expect(ancestors(phases, a)).not.toContain(b);
      expect(ancestors(phases, b)).not.toContain(a);
    }
  });

  it('marks the OCI-only phases as cloudOnly, so --target existing skips them', () => {
    const cloud = phases.filter((p) => p.cloudOnly).map((p) => p.id);
    expect(cloud).toEqual(expect.arrayContaining(['terraform', 'kubeconfig']));
    for (const id of [
      'base',
      'ingress',
      'strimzi',
      'kafka',
      'dapr',
      'apps',
      'workers',
      'hardening',
    ]) {
      expect(cloud).not.toContain(id);
    }
  });
});
