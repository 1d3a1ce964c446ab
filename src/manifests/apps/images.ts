// Which image each app component runs, and which pull secret it needs.
//
// Order: apps.<component>.image from the config; else the registry phase's image prefix
// (OCIR: <region-key>.ocir.io/<tenancy namespace>) joined with registry.repositories.<name>;
// else registry.host + registry.namespace from the config. With none of these (typically
// `--target existing` without OCIR) the image must be configured, and the error says where.
import type { Config } from '../../config/schema.js';
import { usageError } from '../../core/errors.js';

/** What the apps phase reads from the registry phase's outputs (journal). */
export interface RegistryOutputs extends Record<string, unknown> {
  /** e.g. fra.ocir.io/axyz1234; repositories are appended with a slash. */
  imagePrefix?: string;
  /** kubernetes.io/dockerconfigjson Secret in the app namespace. */
  pullSecretName?: string;
}

export type Component = 'frontend' | 'backend';

export function imageFor(
  config: Config,
  component: Component,
  registry: RegistryOutputs | undefined,
): string {
  const c = config.apps[component];
  const repo = config.registry.repositories[component];
  let base = c.image;
  if (!base && registry?.imagePrefix) base = `${registry.imagePrefix.replace(/\/+$/, '')}/${repo}`;
  if (!base && config.registry.host && config.registry.namespace) {
    base = `${config.registry.host}/${config.registry.namespace}/${repo}`;
  }
  if (!base) {
    throw usageError(
      'IMAGE_UNKNOWN',
      `no image for the ${component}: apps.${component}.image is not set and there is no registry`,
      `Set apps.${component}.image (e.g. ghcr.io/you/${repo}) and apps.${component}.tag, or ` +
        'set registry.host and registry.namespace, or run the registry phase (target oke).',
    );
  }
  // A digest pins the image; a tag from config is only appended to a tag-less reference.
  if (base.includes('@')) return base;
  const lastSegment = base.slice(base.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? base : `${base}:${c.tag}`;
}

/** The pull secret to reference, when images come from the project's registry. */
export function pullSecretFor(
  config: Config,
  registry: RegistryOutputs | undefined,
): string | undefined {
  if (!registry) return undefined;
  return registry.pullSecretName ?? config.registry.pullSecretName;
}
