// The three images the pipeline builds. The four workers share todo-worker and differ only by
// their Dapr app id and topics, so one build serves them all.
import { posix } from 'node:path';
import type { Config } from '../config/schema.js';

export interface ImageSpec {
  component: 'frontend' | 'backend' | 'worker';
  /** OCIR repository name, e.g. todo-frontend. */
  repository: string;
  /** Build context: the component's directory in the application repository. */
  context: string;
  /** Dockerfile path from the repository root. */
  dockerfile: string;
}

export function images(config: Config): ImageSpec[] {
  const comps = config.pipeline.components;
  const repos = config.registry.repositories;
  return (['frontend', 'backend', 'worker'] as const).map((component) => {
    const dir = posix.normalize(comps[component].dir);
    return {
      component,
      repository: repos[component],
      context: dir,
      dockerfile: posix.join(dir, comps[component].dockerfile),
    };
  });
}

/** The matrix rows a build job fans out over: one per image, as the steps' `matrix.*` names. */
export function imageMatrix(config: Config) {
  return images(config).map((img) => ({
    image: img.repository,
    context: img.context,
    dockerfile: img.dockerfile,
  }));
}
