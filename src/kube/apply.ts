// Server-side apply of a batch of objects, in dependency order (order.ts). Each object is
// read first, then applied with field manager "todo-infra" and fieldValidation=Strict: an
// unknown or duplicated field is an error naming the field, not a silently dropped setting.
// The result per object compares the object before and after — the server skips the write
// when an apply changes nothing, so an unchanged re-apply keeps its resourceVersion and
// reports "unchanged".
// A dry run (dryRun=All) goes through the same validation and admission without persisting.
import type { Logger } from '../core/log.js';
import { changedPaths } from './diff.js';
import { groupOf, resourcePath, type Discovery, type ResourceInfo } from './discovery.js';
import { describeRef, refOf } from './manifests.js';
import { sortForApply } from './order.js';
import type { Transport } from './transport.js';
import type { ApplyResult, KubeObject } from './types.js';

export const FIELD_MANAGER = 'todo-infra';
const UNVALIDATED = 'not validated by the server';
const CRD_ESTABLISH_TIMEOUT_MS = 60_000;

export interface ApplyDeps {
  transport: Transport;
  discovery: Discovery;
  defaultNamespace: string;
  logger: Logger;
  waitForCrd(name: string, timeoutMs: number): Promise<void>;
}

export interface ApplyOptions {
  dryRun?: boolean | undefined;
  force?: boolean | undefined;
}

type Crd = { metadata: { name: string }; spec?: { group?: string; names?: { kind?: string } } };

/** The CRD in this batch that defines `object`'s kind, if any. */
function definingCrd(object: KubeObject, batch: KubeObject[]): Crd | undefined {
  const group = groupOf(object.apiVersion);
  return batch.find(
    (o) =>
      o.kind === 'CustomResourceDefinition' &&
      (o as Crd).spec?.group === group &&
      (o as Crd).spec?.names?.kind === object.kind,
  ) as Crd | undefined;
}

export async function applyObjects(
  deps: ApplyDeps,
  objects: KubeObject[],
  options: ApplyOptions = {},
): Promise<ApplyResult[]> {
  const results: ApplyResult[] = [];
  const newNamespaces = new Set<string>();
  for (const object of sortForApply(objects)) {
    const ref = refOf(object);
    const info = await resolveKind(deps, object, objects, options);
    if (!info) {
      const note = `${UNVALIDATED}: its CRD is new in this apply`;
      results.push({ ref, action: 'created', note });
      continue;
    }
    const namespace = info.namespaced
      ? (object.metadata.namespace ?? deps.defaultNamespace)
      : undefined;
    if (options.dryRun && namespace && newNamespaces.has(namespace)) {
      const note = `${UNVALIDATED}: namespace ${namespace} is new in this apply`;
      results.push({ ref: { ...ref, namespace }, action: 'created', note });
      continue;
    }
    const result = await applyOne(deps, object, info, namespace, options);
    const changed = result.action !== 'unchanged';
    const created = result.action === 'created';
    if (object.kind === 'Namespace' && created) newNamespaces.add(object.metadata.name);
    if (object.kind === 'CustomResourceDefinition' && changed && !options.dryRun) {
      // Its kinds (or versions) change what discovery answers: read it afresh next time.
      deps.discovery.invalidate();
    }
    results.push(result);
  }
  return results;
}

/** Finds the object's resource; waits for a CRD created in this batch to be served. */
async function resolveKind(
  deps: ApplyDeps,
  object: KubeObject,
  batch: KubeObject[],
  options: ApplyOptions,
): Promise<ResourceInfo | undefined> {
  const found = await deps.discovery.find(object.apiVersion, object.kind);
  if (found) return found;
  const crd = definingCrd(object, batch);
  if (!crd) return deps.discovery.require(object.apiVersion, object.kind);
  if (options.dryRun) return undefined;
  const name = crd.metadata.name;
  deps.logger.verbose(`waiting for CRD ${name} before ${describeRef(refOf(object))}`);
  await deps.waitForCrd(name, CRD_ESTABLISH_TIMEOUT_MS);
  deps.discovery.invalidate(object.apiVersion);
  return deps.discovery.require(object.apiVersion, object.kind);
}

async function applyOne(
  deps: ApplyDeps,
  object: KubeObject,
  info: ResourceInfo,
  namespace: string | undefined,
  options: ApplyOptions,
): Promise<ApplyResult> {
  const ref = { ...refOf(object), namespace };
  const what = `${options.dryRun ? 'dry-run apply' : 'apply'} ${describeRef(ref)}`;
  const sensitive = object.kind === 'Secret';
  const path = resourcePath(info, namespace, object.metadata.name);
  const before = await deps.transport.getOrUndefined<KubeObject>(path, `read ${describeRef(ref)}`);
  const { namespace: _ignored, ...metadata } = object.metadata;
  const body = { ...object, metadata: namespace ? { ...metadata, namespace } : metadata };
  const after = await deps.transport.json<KubeObject>({
    method: 'PATCH',
    path,
    query: {
      fieldManager: FIELD_MANAGER,
      fieldValidation: 'Strict',
      force: options.force ? true : undefined,
      dryRun: options.dryRun ? 'All' : undefined,
    },
    // JSON is YAML, and the apply-patch content type is what selects server-side apply.
    contentType: 'application/apply-patch+yaml',
    body,
    what,
    sensitive,
  });
  if (!before) {
    deps.logger.verbose(`${what}: created`);
    return { ref, action: 'created' };
  }
  // Not the resourceVersion alone: controllers bump it for status writes at any moment (a
  // Deployment's replicas), and the server itself writes once when it first records field
  // ownership of an object created without any (a bare Namespace). Our apply changed
  // something only if content differs or our manager's field set moved.
  const paths = changedPaths(before, after);
  const sameRv = before.metadata.resourceVersion === after.metadata.resourceVersion;
  const sameContent = paths.length === 0 && ownEntry(before) === ownEntry(after);
  // A dry run stores nothing, so its resourceVersion never moves: only content can tell.
  const unchanged = options.dryRun ? sameContent : sameRv || sameContent;
  const action = unchanged ? 'unchanged' : 'configured';
  deps.logger.verbose(`${what}: ${action}${paths.length ? ` (${paths.join(', ')})` : ''}`);
  return unchanged ? { ref, action } : { ref, action, changedPaths: paths };
}

/** Our server-side-apply managedFields entry, serialised for comparison ('' when absent). */
function ownEntry(object: KubeObject): string {
  type Entry = { manager?: string; operation?: string };
  const fields = (object.metadata.managedFields ?? []) as Entry[];
  const entry = fields.find((f) => f.manager === FIELD_MANAGER && f.operation === 'Apply');
  return entry ? JSON.stringify(entry) : '';
}
