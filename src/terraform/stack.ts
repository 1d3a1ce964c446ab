// Prepares the working directory <stateDir>/terraform/ for a run: the module copied from the
// package, terraform.tfvars.json rendered from the config, the backend override written (or
// removed for the local backend), and the state location reported. Everything else
// (init/plan/apply/destroy) then runs against this directory.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import { providerHomeEnv, resolveAccount } from './account.js';
import { planBackend, type BackendPlan } from './backend.js';
import { detectTerraform, locateTerraform, type TerraformBinary } from './binary.js';
import { BACKEND_OVERRIDE_FILE, shippedModuleDir, syncModule } from './module.js';
import { renderTfvars, tfvarsJson, type ResolvedAccount, type Tfvars } from './tfvars.js';
import { Workspace } from './workspace.js';

export const TFVARS_FILE = 'terraform.tfvars.json';
/** The availability domains chosen after "Out of host capacity"; kept for later runs. */
export const PLACEMENT_FILE = 'placement.json';

export interface StackOptions {
  config: Config;
  stateDir: string;
  logger: Logger;
  signal?: AbortSignal;
  phase?: string;
  /** Module source; the package's terraform/ by default (tests use a fixture module). */
  moduleDir?: string;
  /** Variables merged over the rendered ones, for inputs the config has no field for. */
  extraVars?: Tfvars;
  /** Region and tenancy when already known; otherwise read from config / OCI profile. */
  account?: ResolvedAccount;
}

export interface Stack {
  workspace: Workspace;
  terraform: TerraformBinary;
  backend: BackendPlan;
  vars: Tfvars;
  /** Narrows the node placement to these ADs (empty: all), re-rendering the tfvars. */
  setPlacement(ads: string[]): void;
  placement(): string[];
}

export function terraformDir(stateDir: string): string {
  return join(stateDir, 'terraform');
}

function readPlacement(dir: string): string[] {
  const file = join(dir, PLACEMENT_FILE);
  if (!existsSync(file)) return [];
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { availabilityDomains?: unknown };
    const ads = parsed.availabilityDomains;
    return Array.isArray(ads) && ads.every((a) => typeof a === 'string') ? ads : [];
  } catch {
    return []; // A damaged file only loses the narrowing; all ADs are tried again.
  }
}

/** The variables for this config, as the phase hashes them (no placement narrowing). */
export function stackVars(options: StackOptions, ads: string[] = []): Tfvars {
  const account = options.account ?? resolveAccount(options.config);
  const vars = renderTfvars(options.config, account, { availabilityDomains: ads });
  return { ...vars, ...options.extraVars };
}

export async function openStack(options: StackOptions): Promise<Stack> {
  const { config, logger, stateDir } = options;
  const dir = terraformDir(stateDir);
  const terraform = await detectTerraform(locateTerraform(config), logger);
  logger.verbose(`terraform ${terraform.versionText} at ${terraform.path}; working dir ${dir}`);
  syncModule(options.moduleDir ?? shippedModuleDir(), dir);

  const account = options.account ?? resolveAccount(config);
  const withAccount = { ...options, account };
  let ads = readPlacement(dir);
  let vars = stackVars(withAccount, ads);
  writeFileSync(join(dir, TFVARS_FILE), tfvarsJson(vars));

  const backend = planBackend(config.terraform.backend, terraform.version, {
    workDir: dir,
    region: account.region,
    profile: config.oci.profile,
  });
  const overridePath = join(dir, BACKEND_OVERRIDE_FILE);
  if (backend.override === undefined) rmSync(overridePath, { force: true });
  else writeFileSync(overridePath, backend.override);
  for (const warning of backend.warnings) logger.warn(warning);
  logger.info(`terraform state: ${backend.location}`);

  const pluginCacheDir = join(stateDir, 'terraform-plugin-cache');
  mkdirSync(pluginCacheDir, { recursive: true });
  const workspace = new Workspace({
    terraform,
    dir,
    logger,
    signal: options.signal,
    phase: options.phase,
    env: providerHomeEnv(config),
    pluginCacheDir,
  });

  const stack: Stack = {
    workspace,
    terraform,
    backend,
    vars,
    placement: () => [...ads],
    setPlacement(next: string[]) {
      ads = [...next];
      vars = stackVars(withAccount, ads);
      stack.vars = vars;
      writeFileSync(join(dir, TFVARS_FILE), tfvarsJson(vars));
      const file = join(dir, PLACEMENT_FILE);
      if (ads.length === 0) rmSync(file, { force: true });
      else writeFileSync(file, JSON.stringify({ availabilityDomains: ads }, null, 2) + '\n');
    },
  };
  return stack;
}
