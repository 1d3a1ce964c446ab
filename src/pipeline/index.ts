// Renders everything phase `pipeline` writes: the three workflows and the README section.
// Pure: the same config always gives the same bytes, and nothing here reads the disk.
import type { Config } from '../config/schema.js';
import type { RenderedFile } from '../engine/phase.js';
import { cdDevWorkflow } from './cd-dev.js';
import { cdProdWorkflow } from './cd-prod.js';
import { ciWorkflow } from './ci.js';
import { mergeReadme, pipelineReadmeSection } from './readme.js';
import { serializeWorkflow, type Workflow } from './workflow.js';

export const WORKFLOW_DIR = '.github/workflows';
export const README_PATH = 'infrastructure/README.md';

export interface PipelineOutput {
  /** file name (ci.yaml, …) -> the workflow object, for tests that inspect structure. */
  workflows: Record<string, Workflow>;
  /** file name -> rendered YAML. */
  texts: Record<string, string>;
  /** The marked README section (without the rest of a user's README). */
  readmeSection: string;
}

export function renderPipeline(config: Config): PipelineOutput {
  const workflows: Record<string, Workflow> = {
    'ci.yaml': ciWorkflow(config),
    'cd-dev.yaml': cdDevWorkflow(config),
    'cd-prod.yaml': cdProdWorkflow(config),
  };
  const texts = Object.fromEntries(
    Object.entries(workflows).map(([file, wf]) => [file, serializeWorkflow(wf)]),
  );
  return { workflows, texts, readmeSection: pipelineReadmeSection(config, texts) };
}

/** The files for `render --out DIR`: paths relative to DIR, README as a fresh file. */
export function pipelineFiles(config: Config): RenderedFile[] {
  const out = renderPipeline(config);
  return [
    ...Object.entries(out.texts).map(([file, content]) => ({
      path: `${WORKFLOW_DIR}/${file}`,
      content,
    })),
    { path: README_PATH, content: mergeReadme(undefined, out.readmeSection) },
  ];
}
