// `npm run validate:terraform`: checks terraform/ (the module the CLI ships) for real.
//
//   1. `terraform fmt -check` on terraform/ and the runner's test fixture.
//   2. `terraform validate` on terraform/ against the real oracle/oci provider, built from the
//      Go module proxy (terraform-provider-oci.ts) and wired in through a generated CLI config
//      whose dev_overrides block points at the build, so no `init` and no registry is needed.
//
// Exit status: 0 validated; 1 fmt or validate found errors (output shown); 2 the provider
// could not be obtained, so the module was NOT validated (the exact obstacle is printed).
// A weaker check is never reported as validation.
//
// Erasable TypeScript run by Node directly; imports nothing from src/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTerraform, type TerraformBinary } from './terraform.ts';
import { ensureProvider, PROVIDER_RELEASE, ProviderUnavailable } from './terraform-provider-oci.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const moduleDir = join(repo, 'terraform');
const fixtureDir = join(repo, 'test', 'fixtures', 'terraform', 'basic');
const say = (msg: string): void => void process.stdout.write(`${msg}\n`);

function run(tf: TerraformBinary, args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(tf.path, args, { encoding: 'utf8', env, timeout: 10 * 60_000 });
  return { status: r.status ?? 1, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

function baseEnv(cliConfig: string, dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_DATA_DIR: dataDir,
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    TF_INPUT: '0',
  };
}

/** The CLI config that makes terraform load the provider from `dir` without `init`. */
function devOverridesConfig(dir: string): string {
  return [
    'provider_installation {',
    '  dev_overrides {',
    `    "oracle/oci" = ${JSON.stringify(dir)}`,
    '  }',
    '  direct {}',
    '}',
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  const tf = await ensureTerraform();
  say(`terraform ${tf.version} (${tf.source}: ${tf.path})`);
  const work = mkdtempSync(join(tmpdir(), 'validate-terraform-'));
  try {
    const emptyConfig = join(work, 'empty.tfrc');
    writeFileSync(emptyConfig, '');
    for (const dir of [moduleDir, fixtureDir]) {
      const fmt = run(
        tf,
        ['fmt', '-check', '-diff', '-recursive', '-no-color', dir],
        baseEnv(emptyConfig, join(work, 'fmt-data')),
      );
      if (fmt.status !== 0) {
        say(`terraform fmt -check: ${relative(repo, dir)} is not formatted:\n${fmt.output}`);
        return 1;
      }
      say(`terraform fmt -check: ${relative(repo, dir)} ok`);
    }

    let provider;
    try {
      provider = await ensureProvider();
    } catch (err) {
      if (!(err instanceof ProviderUnavailable)) throw err;
      say(
        `NOT VALIDATED: the oracle/oci provider ${PROVIDER_RELEASE} could not be built, ` +
          'so `terraform validate` did not run.\n' +
          err.message,
      );
      return 2;
    }
    say(
      `oracle/oci provider ${PROVIDER_RELEASE} = ${provider.moduleVersion} ` +
        `(${provider.source}: ${provider.binary})`,
    );

    const cliConfig = join(work, 'dev-overrides.tfrc');
    writeFileSync(cliConfig, devOverridesConfig(provider.dir));
    const env = baseEnv(cliConfig, join(work, 'data'));
    const validate = run(tf, ['-chdir=' + moduleDir, 'validate', '-no-color'], env);
    say(validate.output);
    const files = readdirSync(moduleDir)
      .filter((f) => f.endsWith('.tf'))
      .sort();
    if (validate.status !== 0) {
      say(`terraform validate FAILED for terraform/ (${files.join(', ')})`);
      return 1;
    }
    say(
      `validated terraform/ (${files.join(', ')}) with terraform ${tf.version} and ` +
        `oracle/oci ${provider.moduleVersion} (${provider.binary})`,
    );
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`validate-terraform: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
