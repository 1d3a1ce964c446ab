// Phase pipeline (runbook T102–T120): writes the GitHub Actions workflows (ci.yaml,
// cd-dev.yaml, cd-prod.yaml) into <pipeline.outDir>/.github/workflows/ and the CI/CD section
// of <pipeline.outDir>/infrastructure/README.md. It needs no cluster and no cloud, so it runs
// for every target. In the README only the marked section is replaced: anything else the user
// wrote there stays. T119/T120 (watching the runs on GitHub) happen after the user pushes the
// files; the README says what each run does.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expandHome } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import { usageError } from '../core/errors.js';
import { writeFileAtomic } from '../engine/atomic-file.js';
import type { CheckResult, Outputs, Phase, PlanItem } from '../engine/phase.js';
import { README_PATH, WORKFLOW_DIR, pipelineFiles, renderPipeline } from '../pipeline/index.js';
import { extractSection, mergeReadme } from '../pipeline/readme.js';
import { tasks } from './runbook.js';

/** Workflows are committed and read by others: world-readable, like any source file. */
const FILE_MODE = 0o644;

function outDir(config: Config): string {
  const dir = expandHome(config.pipeline.outDir);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw usageError(
      'PIPELINE_OUT_DIR',
      `pipeline.outDir ${dir} is a file, not a directory`,
      'Set pipeline.outDir to the root of your application repository (a directory).',
    );
  }
  return dir;
}

function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

interface Planned {
  path: string;
  absolute: string;
  content: string;
  state: 'create' | 'update' | 'unchanged';
}

/** What run() would write: workflows as rendered, the README merged with what is there. */
function planned(config: Config): Planned[] {
  const dir = outDir(config);
  const out = renderPipeline(config);
  const files = Object.entries(out.texts).map(([name, content]) => ({
    path: `${WORKFLOW_DIR}/${name}`,
    content,
  }));
  const readmeAbs = join(dir, README_PATH);
  const readme = mergeReadme(readIfExists(readmeAbs), out.readmeSection);
  files.push({ path: README_PATH, content: readme });
  return files.map((f) => {
    const absolute = join(dir, f.path);
    const current = readIfExists(absolute);
    const state = current === undefined ? 'create' : current === f.content ? 'unchanged' : 'update';
    return { ...f, absolute, state };
  });
}

export const pipelinePhase: Phase = {
  id: 'pipeline',
  title: 'GitHub Actions workflows',
  needs: ['preflight'],
  runbook: tasks([102, 120]),

  inputs(ctx) {
    // The rendered bytes carry every config value that matters (and no secret values).
    return { outDir: ctx.config.pipeline.outDir, files: pipelineFiles(ctx.config) };
  },

  async plan(ctx): Promise<PlanItem[]> {
    return planned(ctx.config).map((f) => ({
      action: 'write',
      what: f.absolute,
      detail:
        f.path === README_PATH && f.state !== 'create'
          ? `${f.state} (only the todo-infra:pipeline section)`
          : f.state,
    }));
  },

  async run(ctx): Promise<Outputs> {
    const files = planned(ctx.config);
    const written: string[] = [];
    for (const f of files) {
      if (f.state === 'unchanged') {
        ctx.log.verbose(`${f.absolute} is up to date`);
        continue;
      }
      ctx.step(`write ${f.path}`);
      mkdirSync(join(f.absolute, '..'), { recursive: true });
      writeFileAtomic(f.absolute, f.content, FILE_MODE);
      written.push(f.path);
      ctx.log.info(`${f.state === 'create' ? 'wrote' : 'updated'} ${f.absolute}`);
    }
    ctx.log.info(
      'Commit .github/workflows/ and infrastructure/README.md to the application ' +
        'repository, then create the secrets and variables the README lists.',
    );
    return { outDir: outDir(ctx.config), files: files.map((f) => f.path), written };
  },

  async checkpoint(ctx): Promise<CheckResult> {
    const dir = outDir(ctx.config);
    const out = renderPipeline(ctx.config);
    const problems: string[] = [];
    for (const [name, content] of Object.entries(out.texts)) {
      const current = readIfExists(join(dir, WORKFLOW_DIR, name));
      if (current === undefined) problems.push(`${WORKFLOW_DIR}/${name} is missing`);
      else if (current !== content) {
        problems.push(`${WORKFLOW_DIR}/${name} differs from the render`);
      }
    }
    const readme = readIfExists(join(dir, README_PATH));
    if (readme === undefined) problems.push(`${README_PATH} is missing`);
    else if (extractSection(readme) !== out.readmeSection) {
      problems.push(`${README_PATH} lacks the current pipeline section`);
    }
    return problems.length === 0
      ? { ok: true, detail: `workflows and README section in ${dir} match the config` }
      : { ok: false, detail: problems.join('; ') };
  },

  render(config: Config) {
    return pipelineFiles(config);
  },
};
