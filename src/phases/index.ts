// The phase graph, in runbook order. Each phase's file says what it needs; this list is the one
// place that says which phases exist. Ordering reasons (why each `needs` is what it is):
//   terraform → kubeconfig → base: nothing in Kubernetes can happen before the cluster exists.
//   registry after base: the image pull secret lives in the app namespace base creates.
//   ingress, strimzi, dapr only need base, so they run at the same time.
//   kafka after strimzi: the operator must be watching before a Kafka resource means anything.
//   workers after kafka and dapr: they subscribe through Dapr to Kafka topics.
//   hardening last: network policies would cut traffic the earlier checks rely on.
//   pipeline needs no cluster: it only writes workflow files.
import { usageError } from '../core/errors.js';
import { validateGraph } from '../engine/graph.js';
import type { Phase, PhaseId } from '../engine/phase.js';
import { appsPhase } from './apps.js';
import { basePhase } from './base.js';
import { daprPhase } from './dapr.js';
import { hardeningPhase } from './hardening.js';
import { ingressPhase } from './ingress.js';
import { kafkaPhase } from './kafka.js';
import { kubeconfigPhase } from './kubeconfig.js';
import { monitoringPhase } from './monitoring.js';
import { registryPhase } from './registry.js';
import { pipelinePhase } from './pipeline.js';
import { preflightPhase } from './preflight.js';
import { strimziPhase } from './strimzi.js';
import { createTerraformPhase } from './terraform.js';
import { workersPhase } from './workers.js';

const phases: Phase[] = [
  preflightPhase,
  createTerraformPhase({
    // The checkpoint asks OCI, not Kubernetes: no kubeconfig exists yet when it first runs.
    clusterState: async (ctx, out) => {
      const { clusterStateFromConfig } = await import('../oci/cluster.js');
      return clusterStateFromConfig(ctx.config, ctx.log, out.clusterId, out.region);
    },
    readyNodes: async (ctx, out) => {
      const { activeNodeCount } = await import('../oci/node-pool.js');
      return activeNodeCount(ctx.config, ctx.log, out.nodePoolId, out.region);
    },
    listAvailabilityDomains: async (ctx) =>
      (await import('../oci/cluster.js')).availabilityDomainsFromConfig(ctx.config, ctx.log),
  }),
  kubeconfigPhase,
  basePhase,
  registryPhase,
  ingressPhase,
  strimziPhase,
  kafkaPhase,
  daprPhase,
  appsPhase,
  workersPhase,
  monitoringPhase,
  hardeningPhase,
  pipelinePhase,
];
validateGraph(phases);

export function allPhases(): readonly Phase[] {
  return phases;
}

export function phaseById(id: PhaseId): Phase {
  const found = phases.find((p) => p.id === id);
  if (!found) {
    throw usageError(
      'UNKNOWN_PHASE',
      `unknown phase ${id}`,
      `Use one of: ${phases.map((p) => p.id).join(', ')}.`,
    );
  }
  return found;
}
