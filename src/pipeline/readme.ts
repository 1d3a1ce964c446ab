// The pipeline's section of infrastructure/README.md: the secrets and variables the workflows
// read and how to create each, what CI may do in the cluster, the production approval gate,
// and rolling back by hand. The section sits between markers so a re-render replaces only it
// and leaves whatever else the user wrote in that file alone.
import { createRequire } from 'node:module';
import type { Config } from '../config/schema.js';
import { usageError } from '../core/errors.js';
import { CI_SERVICE_ACCOUNT, DEPLOYER_PERMISSIONS, deployTargets } from './deployer.js';
import { REFS, referencedNames } from './secrets.js';
import { credentialsDoc, operationsDoc } from './readme-howto.js';

export const BEGIN =
  '<!-- todo-infra:pipeline:begin — rendered by todo-infra; edits inside are replaced -->';
export const END = '<!-- todo-infra:pipeline:end -->';
const BEGIN_PREFIX = '<!-- todo-infra:pipeline:begin';

/** Rendered workflow file name -> its YAML text. */
export type WorkflowTexts = Record<string, string>;

/** OCIR host for the config when it can be known offline (explicit, or from the region). */
export function ocirHost(config: Config): string | undefined {
  if (config.registry.host) return config.registry.host;
  const region = config.oci.region;
  if (!region) return undefined;
  // Loaded here, not at the top: only this README line needs it, and it is 1.5k lines of JS.
  const { Region } = createRequire(import.meta.url)('oci-common/lib/region') as {
    Region: { fromRegionId(id: string): { regionCode?: string } | undefined };
  };
  const code = Region.fromRegionId(region)?.regionCode;
  return code ? `${code}.ocir.io` : undefined;
}

function readers(name: string, kind: 'secret' | 'variable', workflows: WorkflowTexts): string[] {
  return Object.entries(workflows)
    .filter(([, text]) => {
      const refs = referencedNames(text);
      return (kind === 'secret' ? refs.secrets : refs.variables).includes(name);
    })
    .map(([file]) => `\`${file}\``);
}

export function pipelineReadmeSection(config: Config, workflows: WorkflowTexts): string {
  const files = Object.keys(workflows);
  const rows = REFS.map((r) => {
    const by = readers(r.name, r.kind, workflows).join(', ');
    return `| \`${r.name}\` | ${r.kind} | ${by} | ${r.holds} |`;
  });
  const perms = DEPLOYER_PERMISSIONS.map(
    (p) => `| \`${p.apiGroup}\` | \`${p.resource}\` | \`${p.verb}\` |`,
  );
  const targets = deployTargets(config)
    .map((t) => `\`${t.deployment}\``)
    .join(', ');
  const sa = CI_SERVICE_ACCOUNT;
  return [
    BEGIN,
    '## CI/CD with GitHub Actions',
    '',
    `Copy ${files.map((f) => `\`.github/workflows/${f}\``).join(', ')} into the application`,
    'repository (todo-infra writes them to `pipeline.outDir`). What they do:',
    '',
    '- `ci.yaml`: on every push and pull request, lints and tests each component, builds the',
    `  three images (never pushed) and scans them with Trivy, failing on ` +
      `${config.pipeline.failOnSeverity.join('/')} findings; findings are uploaded to code`,
    '  scanning as SARIF. Accepted findings go in a `.trivyignore` at the repository root.',
    `- \`cd-dev.yaml\`: on every push to \`${config.pipeline.mainBranch}\`, builds the images for`,
    '  linux/amd64 and linux/arm64, pushes them to OCIR as `sha-<commit>` and `latest`, and',
    `  rolls \`sha-<commit>\` out to ${targets} in namespace \`${config.apps.namespace}\`, waiting`,
    `  up to ${config.pipeline.rolloutTimeout} per rollout. Deploys never overlap (concurrency`,
    '  group).',
    '- `cd-prod.yaml`: started by hand with an image tag; checks the tag and that the images',
    `  exist, waits for approval in the \`${config.pipeline.productionEnvironment}\``,
    '  environment, deploys, and rolls every changed Deployment back if a rollout fails.',
    '',
    '### Secrets and variables the workflows read',
    '',
    'Create them under Settings → Secrets and variables → Actions (or with `gh secret set` /',
    '`gh variable set`). Variables are not secret and may show in logs; secrets are masked.',
    '',
    '| Name | Kind | Read by | Holds |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    ...credentialsDoc(config, ocirHost(config)),
    '',
    '### What CI/CD may do in the cluster',
    '',
    `The token belongs to the ServiceAccount \`${sa.name}\` in \`${config.apps.namespace}\`, bound`,
    'to the deployer Role that phase `base` creates. The deploy jobs use exactly these',
    'permissions (`kubectl get`/`set image`/`rollout status`/`rollout undo` on Deployments):',
    '',
    '| API group | Resource | Verb |',
    '| --- | --- | --- |',
    ...perms,
    '',
    ...operationsDoc(config),
    END,
    '',
  ].join('\n');
}

/**
 * The README with the pipeline section put in: replaces an earlier section between the
 * markers, appends to a file without one, or starts a new file.
 */
export function mergeReadme(existing: string | undefined, section: string): string {
  if (existing === undefined || existing.trim() === '') return `# Infrastructure\n\n${section}`;
  const begin = existing.indexOf(BEGIN_PREFIX);
  const end = existing.indexOf(END);
  const again = begin >= 0 ? existing.indexOf(BEGIN_PREFIX, begin + 1) : -1;
  if (begin < 0 && end < 0) return `${existing.trimEnd()}\n\n${section}`;
  if (begin < 0 || end < begin || again >= 0) {
    throw usageError(
      'PIPELINE_README_MARKERS',
      'infrastructure/README.md has unmatched or repeated todo-infra:pipeline markers',
      'Keep exactly one begin and one end marker around the pipeline section, or delete both ' +
        'markers and the text between them; the next render writes the section afresh.',
    );
  }
  const after = existing.slice(end + END.length).replace(/^\n/, '');
  return `${existing.slice(0, begin)}${section}${after}`;
}

/** The section as it stands in a README, for the checkpoint; undefined when absent. */
export function extractSection(readme: string): string | undefined {
  const begin = readme.indexOf(BEGIN_PREFIX);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) return undefined;
  return `${readme.slice(begin, end + END.length)}\n`;
}
