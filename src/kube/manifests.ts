// Reading Kubernetes manifests: multi-document YAML (the `---` separated form every chart and
// kubectl user writes) into plain objects, with errors that name the file and document.
import { parseAllDocuments } from 'yaml';
import { usageError } from '../core/errors.js';
import type { KubeObject, ObjectRef } from './types.js';

/**
 * Parses every document in `text`. Empty documents are skipped; a `kind: List` is flattened
 * into its items. `source` (a file name) appears in every error.
 */
export function parseManifests(text: string, source: string): KubeObject[] {
  const objects: KubeObject[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    const where = `${source}, document ${index + 1}`;
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0]?.line;
      const at = line ? ` (line ${line})` : '';
      throw usageError(
        'MANIFEST_INVALID',
        `${where}${at} is not valid YAML: ${error.message.split('\n')[0]}`,
        'Fix the YAML syntax at that line.',
      );
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    for (const item of flattenList(value, where)) objects.push(checkObject(item, where));
  });
  return objects;
}

function flattenList(value: unknown, where: string): unknown[] {
  if (isRecord(value) && value.kind === 'List' && 'items' in value) {
    if (!Array.isArray(value.items)) {
      throw usageError('MANIFEST_INVALID', `${where}: a List's items must be a list`, 'Fix items.');
    }
    return value.items;
  }
  return [value];
}

function checkObject(value: unknown, where: string): KubeObject {
  if (!isRecord(value)) {
    const shape = Array.isArray(value) ? 'list' : typeof value;
    throw usageError(
      'MANIFEST_INVALID',
      `${where} is not a Kubernetes object (it is a ${shape})`,
      'Each document must be a mapping with apiVersion, kind and metadata.',
    );
  }
  for (const field of ['apiVersion', 'kind'] as const) {
    if (typeof value[field] !== 'string' || value[field] === '') {
      throw usageError(
        'MANIFEST_INVALID',
        `${where}: ${field} is missing or not a string`,
        `Add ${field} to the object.`,
      );
    }
  }
  const metadata = value.metadata;
  if (!isRecord(metadata) || typeof metadata.name !== 'string' || metadata.name === '') {
    throw usageError(
      'MANIFEST_INVALID',
      `${where}: ${String(value.kind)} has no metadata.name`,
      'Give the object a name (generateName is not supported by server-side apply).',
    );
  }
  return value as KubeObject;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function refOf(object: KubeObject): ObjectRef {
  const { apiVersion, kind, metadata } = object;
  return metadata.namespace
    ? { apiVersion, kind, name: metadata.name, namespace: metadata.namespace }
    : { apiVersion, kind, name: metadata.name };
}

/** "Deployment todo-app/backend" or "Namespace todo-app", for messages. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
