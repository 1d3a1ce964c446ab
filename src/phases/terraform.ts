// Phase terraform (runbook T011–T028): the network and the OKE cluster, provisioned by the
// terraform module shipped in terraform/ and run by src/terraform/.
//
// Dry-run: `terraform plan` is not run for `up --dry-run`, because even a plan touches the
// cloud — it refreshes every resource in the state and reads data sources (ADs, images,
// Kubernetes versions) with the user's API key. The plan instead lists what the module
// creates from the static table below, which a test keeps in step with terraform/*.tf.
//
// Checkpoint: the state's outputs must parse (cluster id, endpoint, subnets, node pool).
// Whether the cluster is ACTIVE and its nodes Ready needs the OCI and Kubernetes layers; they
// plug in through TerraformPhaseDeps (clusterState, readyNodes). Unwired checks are named
// in the checkpoint's detail rather than silently passed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { CheckResult, Phase, PhaseContext, PlanItem } from '../engine/phase.js';
import type { CapacityPolicy } from '../terraform/capacity.js';
import { moduleFiles, moduleHash, shippedModuleDir } from '../terraform/module.js';
import { toTerraformOutputs, type TerraformOutputs } from '../terraform/outputs.js';
import { provision, readStackOutputs } from '../terraform/provision.js';
import { stackVars, terraformDir } from '../terraform/stack.js';
import type { ResolvedAccount, Tfvars } from '../terraform/tfvars.js';
import { tasks } from './runbook.js';

export interface TerraformPhaseDeps {
  /** The cluster's lifecycle state from the Container Engine API (ACTIVE when usable). */
  clusterState?: (ctx: PhaseContext, outputs: TerraformOutputs) => Promise<string>;
  /** How many nodes report Ready (Kubernetes API through the cluster's kubeconfig). */
  readyNodes?: (ctx: PhaseContext, outputs: TerraformOutputs) => Promise<number>;
  /** The region's availability domains, for capacity rotation (else read from state). */
  listAvailabilityDomains?: (ctx: PhaseContext) => Promise<string[]>;
  /** Module source (tests: a fixture module). */
  moduleDir?: string;
  /** Variables merged over the rendered ones (tests: the fixture's failure switches). */
  extraVars?: Tfvars;
  /** Region and tenancy, when known without reading the OCI config file. */
  account?: ResolvedAccount;
  capacity?: Partial<CapacityPolicy>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** What terraform/*.tf creates, by resource type; `test/terraform/runner-phase` checks it. */
export const MODULE_RESOURCES: Record<string, (c: Config) => string | undefined> = {
  oci_identity_compartment: (c) =>
    c.oci.createCompartment ? `compartment ${c.oci.createCompartment}` : undefined,
  oci_identity_policy: () => 'IAM policy letting the cluster manage its load balancers and volumes',
  oci_core_vcn: (c) => `VCN ${c.network.vcnCidr}`,
  oci_core_internet_gateway: () => 'internet gateway (public subnet)',
  oci_core_nat_gateway: () => 'NAT gateway (worker egress)',
  oci_core_service_gateway: () => 'service gateway (OCI services from the workers)',
  oci_core_route_table: () =>
    'route tables: public → internet gateway, private → NAT + service gateway',
  oci_core_security_list: () => 'security lists for the API endpoint, workers and load balancers',
  oci_core_subnet: (c) =>
    `subnets: load balancers ${c.network.publicSubnetCidr}, ` +
    `workers ${c.network.privateSubnetCidr}, API endpoint /28`,
  oci_containerengine_cluster: (c) =>
    `OKE BASIC cluster ${c.cluster.name} (Kubernetes ${c.cluster.kubernetesVersion}, ` +
    `${c.cluster.publicApiEndpoint ? 'public' : 'private'} API endpoint)`,
  oci_containerengine_node_pool: (c) =>
    `node pool: ${c.cluster.nodeCount} × ${c.cluster.nodeShape} ` +
    `(${c.cluster.ocpusPerNode} OCPU, ` +
    `${c.cluster.memoryGbPerNode} GB, ${c.cluster.bootVolumeGb} GB boot volume)`,
};

function stackOptions(ctx: PhaseContext, deps: TerraformPhaseDeps) {
  return {
    config: ctx.config,
    stateDir: ctx.stateDir,
    logger: ctx.log,
    signal: ctx.signal,
    phase: 'terraform',
    moduleDir: deps.moduleDir,
    extraVars: deps.extraVars,
    account: deps.account,
  };
}

export function createTerraformPhase(deps: TerraformPhaseDeps = {}): Phase {
  const moduleDir = () => deps.moduleDir ?? shippedModuleDir();
  return {
    id: 'terraform',
    title: 'Network and OKE cluster (Terraform)',
    needs: ['preflight'],
    runbook: tasks([11, 28]),
    cloudOnly: true,

    // The rendered variables and the module's content decide the outcome; the backend and
    // binary decide where the state is. No secrets: credentials stay in the OCI config file.
    inputs: (ctx) => ({
      tfvars: stackVars(stackOptions(ctx, deps)),
      module: moduleHash(moduleDir()),
      backend: ctx.config.terraform.backend,
      binary: ctx.config.terraform.binary ?? 'PATH',
    }),

    async plan(ctx): Promise<PlanItem[]> {
      const dir = terraformDir(ctx.stateDir);
      const backend = ctx.config.terraform.backend;
      const state =
        backend.type === 'local'
          ? join(dir, 'terraform.tfstate')
          : `oci://${backend.bucket}@${backend.namespace}/${backend.key}`;
      const creates = Object.values(MODULE_RESOURCES)
        .map((describe) => describe(ctx.config))
        .filter((what): what is string => what !== undefined)
        .map((what) => ({ action: 'create' as const, what }));
      return [
        {
          action: 'write',
          what: join(dir, 'terraform.tfvars.json'),
          detail: 'the module and its variables',
        },
        {
          action: 'run',
          what: 'terraform init, plan, apply',
          detail: `state: ${state}; apply skipped when the plan has no changes`,
        },
        ...creates,
        {
          action: 'wait',
          what: 'cluster ACTIVE and node pool created',
          detail: 'terraform waits for each resource; the node pool takes longest',
        },
      ];
    },

    async run(ctx) {
      ctx.step('terraform init, plan and apply');
      const result = await provision({
        ...stackOptions(ctx, deps),
        capacity: deps.capacity,
        sleep: deps.sleep,
        listAvailabilityDomains: deps.listAvailabilityDomains
          ? () => deps.listAvailabilityDomains!(ctx)
          : undefined,
      });
      const outputs = toTerraformOutputs(result.outputs);
      const { clusterId, clusterEndpoint } = outputs;
      ctx.log.info(`cluster ${clusterId} at ${clusterEndpoint}; state: ${result.stateLocation}`);
      return { ...outputs, stateLocation: result.stateLocation, placement: result.placement };
    },

    checkpoint: (ctx) => checkCluster(ctx, deps),

    // The module as the runbook lays it out (T008, T011–T026, T013), for users who keep and
    // apply the files themselves. The variables example is the module's own, not the user's
    // values: those depend on the OCI profile on this machine and would not be deterministic.
    render: () => {
      const dir = shippedModuleDir();
      const tf = moduleFiles(dir)
        .filter((f) => f.endsWith('.tf'))
        .map((f) => ({
          path: `infrastructure/terraform/oci/${f}`,
          content: readFileSync(join(dir, f), 'utf8'),
        }));
      const example = join(dir, 'terraform.tfvars.example');
      if (!existsSync(example)) return tf;
      const content = readFileSync(example, 'utf8');
      return [...tf, { path: 'infrastructure/terraform/terraform.tfvars.example', content }];
    },
  };
}

async function checkCluster(ctx: PhaseContext, deps: TerraformPhaseDeps): Promise<CheckResult> {
  let outputs: TerraformOutputs;
  try {
    const values = await readStackOutputs(stackOptions(ctx, deps));
    if (!values || Object.keys(values).length === 0) {
      return { ok: false, detail: 'the terraform state has no outputs (nothing applied yet)' };
    }
    outputs = toTerraformOutputs(values);
  } catch (error) {
    return { ok: false, detail: `cannot read the terraform outputs: ${(error as Error).message}` };
  }
  const parts = [`cluster ${outputs.clusterId} in the terraform state`];
  try {
    if (deps.clusterState) {
      const state = await deps.clusterState(ctx, outputs);
      if (state !== 'ACTIVE') {
        return { ok: false, detail: `cluster ${outputs.clusterId} is ${state}, not ACTIVE` };
      }
      parts.push('ACTIVE');
    } else {
      parts.push('lifecycle not checked (no OCI check wired)');
    }
    if (deps.readyNodes) {
      const ready = await deps.readyNodes(ctx, outputs);
      if (ready < outputs.nodeCount) {
        return { ok: false, detail: `${ready} of ${outputs.nodeCount} node(s) Ready` };
      }
      parts.push(`${ready}/${outputs.nodeCount} node(s) Ready`);
    } else {
      parts.push('nodes Ready is checked by the kubeconfig phase');
    }
  } catch (error) {
    const reason = (error as Error).message;
    return { ok: false, detail: `cannot check cluster ${outputs.clusterId}: ${reason}` };
  }
  return { ok: true, detail: parts.join('; ') };
}

export const terraformPhase: Phase = createTerraformPhase();
