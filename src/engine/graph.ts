// Orders phases by their `needs`. The graph is data checked at start-up: an unknown
// dependency or a cycle is a programming error reported with the path that forms it.
import { TodoInfraError } from '../core/errors.js';
import type { PhaseId } from './phase.js';

export interface GraphNode {
  id: PhaseId;
  needs: PhaseId[];
}

/** Throws on an unknown dependency or a cycle (naming the cycle). */
export function validateGraph(nodes: readonly GraphNode[]): void {
  const ids = new Set(nodes.map((n) => n.id));
  for (const node of nodes) {
    for (const dep of node.needs) {
      if (!ids.has(dep)) {
        throw new TodoInfraError(
          'GRAPH_UNKNOWN_DEPENDENCY',
          `phase ${node.id} needs unknown phase ${dep}`,
        );
      }
    }
  }
  const cycle = findCycle(nodes);
  if (cycle) {
    throw new TodoInfraError(
      'GRAPH_CYCLE',
      `phase dependencies form a cycle: ${cycle.join(' → ')}`,
    );
  }
}

function findCycle(nodes: readonly GraphNode[]): PhaseId[] | undefined {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const state = new Map<PhaseId, 'visiting' | 'done'>();
  const stack: PhaseId[] = [];
  const visit = (id: PhaseId): PhaseId[] | undefined => {
    const seen = state.get(id);
    if (seen === 'done') return undefined;
    if (seen === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of byId.get(id)?.needs ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const node of nodes) {
    const found = visit(node.id);
    if (found) return found;
  }
  return undefined;
}

/**
 * A topological order that keeps the declared order among independent phases, so output is
 * stable from run to run.
 */
export function topoOrder(nodes: readonly GraphNode[]): PhaseId[] {
  validateGraph(nodes);
  const done = new Set<PhaseId>();
  const order: PhaseId[] = [];
  while (order.length < nodes.length) {
    const next = nodes.find((n) => !done.has(n.id) && n.needs.every((d) => done.has(d)));
    if (!next) break; // unreachable after validateGraph
    done.add(next.id);
    order.push(next.id);
  }
  return order;
}

/** The phase and everything it transitively needs, in topological order. */
export function withDependencies(nodes: readonly GraphNode[], targets: PhaseId[]): PhaseId[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const wanted = new Set<PhaseId>();
  const add = (id: PhaseId) => {
    if (wanted.has(id)) return;
    wanted.add(id);
    for (const dep of byId.get(id)?.needs ?? []) add(dep);
  };
  targets.forEach(add);
  return topoOrder(nodes).filter((id) => wanted.has(id));
}

/** Transitive dependencies of one phase (not including itself). */
export function ancestors(nodes: readonly GraphNode[], id: PhaseId): PhaseId[] {
  return withDependencies(nodes, [id]).filter((p) => p !== id);
}
