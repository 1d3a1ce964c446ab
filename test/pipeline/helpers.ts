// Shared by the pipeline tests: the configs every property is checked against, rendering into
// a temporary directory, and reading workflows back as data.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { configSchema, type Config, type ConfigInput } from '../../src/config/schema.js';
import { pipelineFiles } from '../../src/pipeline/index.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The default config and two that differ in every pipeline-relevant field. */
export const CONFIG_INPUTS: Record<string, ConfigInput> = {
  default: {},
  monorepo: {
    oci: { region: 'eu-frankfurt-1' },
    registry: { repositories: { frontend: 'web', backend: 'api', worker: 'jobs' } },
    apps: {
      namespace: 'todo-staging',
      workers: [
        { appId: 'recurring-worker', topics: ['task-events'] },
        { appId: 'notification-worker', topics: ['reminders'], enabled: false },
        { appId: 'audit-worker', topics: ['task-events', 'task-updates'] },
      ],
    },
    pipeline: {
      outDir: 'app-repo',
      mainBranch: 'trunk',
      failOnSeverity: ['CRITICAL'],
      rolloutTimeout: '10m',
      productionEnvironment: 'prod',
      components: {
        frontend: {
          dir: 'apps/web',
          lint: 'pnpm lint',
          test: 'pnpm test',
          dockerfile: 'docker/Dockerfile',
        },
        backend: { dir: 'services/api', test: 'python3 -m pytest -q' },
        worker: { dir: 'services/worker' },
      },
    },
  },
  polyglot: {
    registry: { host: 'iad.ocir.io', namespace: 'mytenancy' },
    cluster: { kubernetesVersion: 'v1.33.1' },
    pipeline: {
      failOnSeverity: ['MEDIUM', 'HIGH', 'CRITICAL'],
      rolloutTimeout: '90s',
      components: {
        frontend: { dir: './frontend/', lint: 'npx eslint .', test: 'node --test' },
        backend: { dir: 'backend', lint: 'go vet ./...', test: 'go test ./...' },
        worker: { dir: 'worker', lint: 'make lint && make check', dockerfile: 'Containerfile' },
      },
    },
  },
};

export function configOf(name: string): Config {
  const input = CONFIG_INPUTS[name];
  if (!input) throw new Error(`no test config ${name}`);
  return configSchema.parse(input);
}

export const CONFIG_NAMES = Object.keys(CONFIG_INPUTS);

/** Writes the phase's render output for a config under a fresh temp dir; returns the dir. */
export function renderToTemp(config: Config): string {
  const dir = mkdtempSync(join(tmpdir(), 'todo-infra-pipeline-'));
  for (const f of pipelineFiles(config)) {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.content);
  }
  return dir;
}

/** The project's own workflow files (absolute paths). */
export function ownWorkflows(): string[] {
  const dir = join(repoRoot, '.github', 'workflows');
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f))
    .sort();
}

export interface StepData {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
export interface JobData {
  permissions?: Record<string, string>;
  environment?: { name: string } | string;
  needs?: string[];
  concurrency?: unknown;
  env?: Record<string, string>;
  steps: StepData[];
}
export interface WorkflowData {
  on: unknown;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  env?: Record<string, string>;
  jobs: Record<string, JobData>;
}

export function parseWorkflow(text: string): WorkflowData {
  return parse(text) as WorkflowData;
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
