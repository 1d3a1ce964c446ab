// Resolves the configuration from its layers, highest first:
//   flag > environment (TODO_INFRA_*) > config file > prompt (interactive only) > default.
// Every problem is collected and reported at once, each under its path with where the value
// came from and how to fix it; nothing is written or changed when the config is bad.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument as yamlParseDocument } from 'yaml';
import { usageError } from '../core/errors.js';
import { configSchema, configShape, type Config } from './schema.js';
import { coerce, leaves, type Leaf } from './walk.js';
import { describeIssue } from './issues.js';
import { deepMerge, getPath, isPlain, setPath, type Plain } from './merge.js';

export const DEFAULT_CONFIG_FILE = 'todo-infra.yaml';

export type Origin = 'flag' | 'env' | 'file' | 'prompt' | 'default';

export interface LoadOptions {
  /** --config; when absent, ./todo-infra.yaml is used if it exists. */
  configFile?: string;
  /** Values from flags, keyed by config path (e.g. { 'kube.context': 'x' }). */
  flags?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Ignore config files entirely (validating values that are about to be written). */
  skipFile?: boolean;
  /** Filled in by prompts for values nothing else provided (interactive runs only). */
  prompted?: Record<string, unknown>;
}

export interface LoadedConfig {
  config: Config;
  file: string | undefined;
  origins: Map<string, { origin: Origin; name?: string }>;
  /** Non-fatal findings, e.g. a TODO_INFRA_* variable that matches no key (likely a typo). */
  warnings: string[];
}

/** TODO_INFRA_* variables that are not config keys but are read elsewhere. */
const OTHER_VARIABLES = new Set([
  'TODO_INFRA_STATE_DIR',
  'TODO_INFRA_REEXEC',
  'TODO_INFRA_TOOLS_CACHE',
  'TODO_INFRA_SHARED_DIR',
  'TODO_INFRA_KEEP_CLUSTER_LOGS',
  'TODO_INFRA_TEST_NODES',
]);

function unknownVariables(env: NodeJS.ProcessEnv, config: Config): string[] {
  const known = new Set([...OTHER_VARIABLES, ...configLeaves().map((l) => l.envVar)]);
  for (const source of Object.values(config.secrets)) if (source.fromEnv) known.add(source.fromEnv);
  return Object.keys(env)
    .filter((name) => name.startsWith('TODO_INFRA_') && !known.has(name))
    .sort()
    .map((name) => `${name} is set but is not a todo-infra setting (a typo?); it is ignored`);
}

let cachedLeaves: Leaf[] | undefined;
export function configLeaves(): Leaf[] {
  cachedLeaves ??= leaves(configShape);
  return cachedLeaves;
}

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const origins = new Map<string, { origin: Origin; name?: string }>();
  const problems: string[] = [];

  const { data: fileData, file } = readConfigFile(options, problems);
  for (const leaf of configLeaves()) {
    if (getPath(fileData, leaf.path) !== undefined) {
      origins.set(leaf.path.join('.'), { origin: 'file', name: file });
    }
  }

  const envData: Plain = {};
  for (const leaf of configLeaves()) {
    const raw = env[leaf.envVar];
    if (raw === undefined || raw === '') continue;
    const result = coerce(leaf, raw);
    if ('error' in result) {
      problems.push(`${leaf.path.join('.')} (from ${leaf.envVar}): ${result.error}`);
      continue;
    }
    setPath(envData, leaf.path, result.value);
    origins.set(leaf.path.join('.'), { origin: 'env', name: leaf.envVar });
  }

  const flagData: Plain = {};
  for (const [path, value] of Object.entries(options.flags ?? {})) {
    if (value === undefined) continue;
    setPath(flagData, path.split('.'), value);
    origins.set(path, { origin: 'flag' });
  }
  const promptData: Plain = {};
  for (const [path, value] of Object.entries(options.prompted ?? {})) {
    setPath(promptData, path.split('.'), value);
    origins.set(path, { origin: 'prompt' });
  }

  const merged = [fileData, envData, flagData].reduce(
    (acc, layer) => deepMerge(acc, layer),
    promptData,
  );
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    for (const { path, message } of parsed.error.issues.flatMap((i) =>
      describeIssue(i, configLeaves()),
    )) {
      const from = origins.get(path);
      const where =
        from?.origin === 'env'
          ? ` (from ${from.name})`
          : from?.origin === 'flag'
            ? ' (from a flag)'
            : '';
      problems.push(`${path || '(top level)'}${where}: ${message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) {
    throw usageError(
      'CONFIG_INVALID',
      `the configuration is invalid ` +
        `(${problems.length} problem${problems.length === 1 ? '' : 's'})`,
      `Fix each field above${file ? ` in ${file}` : ''}; \`todo-infra config schema\` prints ` +
        'every key with its type. Nothing was changed.',
      problems,
    );
  }
  return { config: parsed.data, file, origins, warnings: unknownVariables(env, parsed.data) };
}

function readConfigFile(options: LoadOptions, problems: string[]): { data: Plain; file?: string } {
  if (options.skipFile) return { data: {} };
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.configFile !== undefined;
  const file = resolve(cwd, options.configFile ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(file)) {
    if (explicit) {
      throw usageError(
        'CONFIG_NOT_FOUND',
        `config file ${file} does not exist`,
        'Check the --config path, or run `todo-infra config init` to create one.',
      );
    }
    return { data: {} };
  }
  const text = readFileSync(file, 'utf8');
  return { data: parseYamlConfig(text, file, problems), file };
}

function parseYamlConfig(text: string, file: string, problems: string[]): Plain {
  const doc = yamlParseDocument(text);
  if (doc.errors.length > 0) {
    throw usageError(
      'CONFIG_YAML',
      `${file} is not valid YAML`,
      'Fix the syntax at the line shown; nothing was changed.',
      doc.errors.map((e) => e.message),
    );
  }
  const value = doc.toJS() as unknown;
  if (value === null || value === undefined) return {};
  if (!isPlain(value)) {
    problems.push(`(top level) in ${file}: must be a mapping of keys such as target:, cluster:`);
    return {};
  }
  return value;
}
