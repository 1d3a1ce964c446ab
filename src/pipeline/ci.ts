// ci.yaml: on every push and pull request, lint and test each component, build each image
// (never pushed: publishing is cd-dev's job, so CI needs no registry secret at all), and scan
// it with Trivy, failing on the configured severities and uploading the findings as SARIF.
import type { Config } from '../config/schema.js';
import { uses } from './actions.js';
import { imageMatrix } from './images.js';
import { BASH_DEFAULTS, RUNNER, script, type Job, type Step, type Workflow } from './workflow.js';

/** The Node major the component jobs set up when their commands use npm/npx/node. */
export const APP_NODE_VERSION = '22';

type ComponentName = keyof Config['pipeline']['components'];
const COMPONENTS: ComponentName[] = ['frontend', 'backend', 'worker'];

export const checkoutStep: Step = {
  name: 'Check out',
  uses: uses('checkout'),
  // Later steps run the repository's own scripts; they have no use for the token.
  with: { 'persist-credentials': false },
};

function usesNode(commands: string[]): boolean {
  return commands.some((c) => /^\s*(npm|npx|node|pnpm|yarn)\b/.test(c));
}

/**
 * Installs the component's Node dependencies with the package manager its lockfile names;
 * pnpm and yarn come from corepack (bundled with Node 22). Without a lockfile, npm install
 * rather than failing the first run.
 */
const INSTALL_NODE_DEPS = [
  'if [ -f pnpm-lock.yaml ] || [ -f yarn.lock ]; then',
  '  corepack enable',
  'fi',
  'if [ -f pnpm-lock.yaml ]; then',
  '  pnpm install --frozen-lockfile',
  'elif [ -f yarn.lock ]; then',
  '  yarn install --frozen-lockfile',
  'elif [ -f package-lock.json ]; then',
  '  npm ci',
  'else',
  '  npm install --no-audit --no-fund',
  'fi',
].join('\n');

/** Lint and test one component; undefined when the config gives it neither command. */
function componentJob(name: ComponentName, config: Config): Job | undefined {
  const comp = config.pipeline.components[name];
  const commands = [
    ['Lint', comp.lint],
    ['Test', comp.test],
  ].filter((c): c is [string, string] => typeof c[1] === 'string' && c[1].trim() !== '');
  if (commands.length === 0) return undefined;
  const steps: Step[] = [checkoutStep];
  if (usesNode(commands.map((c) => c[1]))) {
    steps.push(
      {
        name: 'Set up Node.js',
        uses: uses('setupNode'),
        with: { 'node-version': APP_NODE_VERSION },
      },
      { name: 'Install dependencies', run: script(INSTALL_NODE_DEPS) },
    );
  }
  for (const [label, command] of commands) steps.push({ name: label, run: script(command) });
  return {
    name: `${label(name)}: lint and test`,
    'runs-on': RUNNER,
    permissions: { contents: 'read' },
    'timeout-minutes': 20,
    defaults: { run: { 'working-directory': comp.dir } },
    steps,
  };
}

function label(name: ComponentName): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function scanJob(config: Config): Job {
  const severities = config.pipeline.failOnSeverity.join(',');
  const sarif = 'trivy-${{ matrix.image }}.sarif';
  return {
    name: 'Build and scan ${{ matrix.image }}',
    'runs-on': RUNNER,
    // security-events: write to upload SARIF; actions: read lets upload-sarif link the run
    // (private repositories refuse the upload's run lookup without it).
    permissions: { contents: 'read', 'security-events': 'write', actions: 'read' },
    'timeout-minutes': 30,
    strategy: {
      'fail-fast': false,
      matrix: {
        include: imageMatrix(config),
      },
    },
    steps: [
      checkoutStep,
      { name: 'Set up Docker Buildx', uses: uses('setupBuildx') },
      {
        name: 'Build (not pushed)',
        uses: uses('buildPush'),
        with: {
          context: '${{ matrix.context }}',
          file: '${{ matrix.dockerfile }}',
          push: false,
          // Loaded into the runner's Docker so Trivy scans exactly what was built.
          load: true,
          tags: '${{ matrix.image }}:ci',
          // One cache scope per image: a shared scope would make the three builds evict
          // each other's layers.
          'cache-from': 'type=gha,scope=${{ matrix.image }}',
          'cache-to': 'type=gha,mode=max,scope=${{ matrix.image }}',
        },
      },
      {
        name: `Scan with Trivy (fail on ${severities})`,
        uses: uses('trivy'),
        with: {
          'image-ref': '${{ matrix.image }}:ci',
          format: 'sarif',
          output: sarif,
          severity: severities,
          'limit-severities-for-sarif': true,
          'exit-code': '1',
        },
      },
      {
        name: 'Upload Trivy findings',
        // Also after a failed scan (that is when the findings matter); skipped for pull
        // requests from forks, whose token cannot write security events.
        if:
          "${{ !cancelled() && hashFiles('trivy-*.sarif') != '' && " +
          "(github.event_name == 'push' || " +
          'github.event.pull_request.head.repo.full_name == github.repository) }}',
        uses: uses('uploadSarif'),
        with: { sarif_file: sarif, category: 'trivy-${{ matrix.image }}' },
      },
    ],
  };
}

export function ciWorkflow(config: Config): Workflow {
  const jobs: Record<string, Job> = {};
  for (const name of COMPONENTS) {
    const job = componentJob(name, config);
    if (job) jobs[name] = job;
  }
  jobs.images = scanJob(config);
  return {
    name: 'CI',
    on: ['push', 'pull_request'],
    permissions: {},
    concurrency: {
      group: 'ci-${{ github.workflow }}-${{ github.ref }}',
      'cancel-in-progress': true,
    },
    defaults: BASH_DEFAULTS,
    jobs,
  };
}
