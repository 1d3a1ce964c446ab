// The command table. Only commander is imported up front; each command's module (and whatever
// heavy library it needs: client-node, the OCI SDK, listr2, prompts) is imported when that
// command runs, so `--help` and `--version` start in a few tens of milliseconds.
import { ExitCode } from '../core/errors.js';
import { cliVersion } from '../core/package-files.js';
import { reportError } from './report.js';
import { resolveGlobals, type Globals, type RawGlobals } from './global.js';

type Action = (globals: Globals, ...args: never[]) => Promise<number> | number;

export async function main(argv: string[]): Promise<number> {
  const { Command, Option, CommanderError } = await import('commander');
  let exitCode: number = ExitCode.ok;
  let globals: Globals = resolveGlobalsSafe({});
  const program = new Command('todo-infra');

  const run =
    (load: () => Promise<Action>) =>
    async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as InstanceType<typeof Command>;
      globals = resolveGlobals(cmd.optsWithGlobals() as RawGlobals);
      const action = await load();
      exitCode = await action(globals, ...(args.slice(0, -1) as never[]));
    };

  program
    .description(
      'Stand up the Todo platform (OKE, ingress, Kafka, Dapr, apps, CI/CD) on OCI Always Free.',
    )
    .version(cliVersion(), '--version', 'print the version')
    .addOption(
      new Option('-o, --output <format>', 'text or json (NDJSON events on stdout)').default('text'),
    )
    .option(
      '-v, --verbose',
      'more detail: -v commands and decisions, -vv tool output and API calls',
      (_: string, prev: number) => prev + 1,
      0,
    )
    .option(
      '--state-dir <dir>',
      'journal, logs, kubeconfig and terraform state (default .todo-infra/)',
    )
    .option('--config <file>', 'configuration file (default ./todo-infra.yaml if present)')
    .option('--kubeconfig <file>', 'kubeconfig file (as kubectl)')
    .option('--context <name>', 'kubeconfig context (as kubectl)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('up')
    .description('create or update everything, skipping what is already done')
    .option('--target <target>', 'oke (provision OCI) or existing (use --context)')
    .option('--dry-run', 'print the plan and change nothing')
    .option('--rerun', 're-run phases even when nothing changed')
    .option('--merge', 'also merge the new cluster context into ~/.kube/config (backup kept)')
    .option('--ci', 'never prompt (also when CI=true or without a terminal)')
    .option('-y, --yes', 'never prompt; missing values are errors')
    .action(run(async () => (await import('./commands/up.js')).runUp as Action));

  program
    .command('check')
    .description('preflight: tools, versions, OCI credentials and Always Free capacity')
    .option('--target <target>', 'oke or existing')
    .option('--no-cloud', 'skip the checks that call OCI')
    .action(run(async () => (await import('./commands/check.js')).runCheck as Action));

  program
    .command('phase <name>')
    .description('run or resume one phase (see `phases`)')
    .option('--force', 'run even if a phase it needs has not completed')
    .option('--rerun', 're-run even when nothing changed')
    .option('--merge', 'kubeconfig phase: also merge the context into ~/.kube/config')
    .option('--target <target>', 'oke or existing')
    .option('--ci', 'never prompt')
    .option('-y, --yes', 'never prompt')
    .action(run(async () => (await import('./commands/phase.js')).runPhaseCommand as Action));

  program
    .command('phases')
    .description('list phases with their dependencies and journal state')
    .action(run(async () => (await import('./commands/phases.js')).runPhasesCommand as Action));

  program
    .command('render')
    .description('write every manifest, values file, terraform file and workflow to a directory')
    .option('--out <dir>', 'output directory')
    .option('--target <target>', 'oke or existing')
    .action(run(async () => (await import('./commands/render.js')).runRender as Action));

  program
    .command('status')
    .description('what the journal records about the last run and each phase')
    .action(run(async () => (await import('./commands/status.js')).runStatus as Action));

  program
    .command('down')
    .description('remove what up created (cluster workloads, then the OKE infrastructure)')
    .option('--keep-cluster', 'remove workloads only; keep the OKE cluster and network')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--ci', 'never prompt')
    .action(run(async () => (await import('./commands/down.js')).runDown as Action));

  const config = program.command('config').description('configuration file helpers');
  config
    .command('schema')
    .description('print the JSON Schema of todo-infra.yaml')
    .action(run(async () => (await import('./commands/config.js')).runConfigSchema as Action));
  config
    .command('init')
    .description('answer a few questions and write todo-infra.yaml')
    .option('--force', 'overwrite an existing file')
    .option('--file <file>', 'where to write (default ./todo-infra.yaml)')
    .action(run(async () => (await import('./commands/config.js')).runConfigInit as Action));

  program
    .command('token')
    .description('print an OKE ExecCredential (used by the kubeconfig todo-infra writes)')
    .requiredOption('--cluster-id <ocid>', 'OKE cluster OCID')
    .requiredOption('--region <region>', 'cluster region, e.g. eu-frankfurt-1')
    .option('--profile <name>', 'OCI config profile')
    .option('--oci-endpoint <url>', 'OCI API endpoint override (local stand-ins, tests)')
    .option('--oci-config-file <file>', 'OCI config file (default ~/.oci/config)')
    .action(run(async () => (await import('./commands/token.js')).runTokenCommand as Action));

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with code 0.
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    return reportError(err, globals);
  }
}

function resolveGlobalsSafe(raw: RawGlobals): Globals {
  try {
    return resolveGlobals(raw);
  } catch {
    return resolveGlobals({});
  }
}
