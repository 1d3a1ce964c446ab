// Mapping apiVersion + kind to a REST path (plural resource name, namespaced or not) by asking
// the API server, as kubectl does. Needed for custom resources, whose plural and scope only
// the CRD knows. Results are cached per group/version; a miss re-reads that group/version once,
// because a CRD applied a moment ago only appears in discovery after it is Established.
import { usageError } from '../core/errors.js';
import type { Transport } from './transport.js';

export interface ResourceInfo {
  apiVersion: string;
  kind: string;
  /** The plural resource name used in paths, e.g. "kafkanodepools". */
  plural: string;
  namespaced: boolean;
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

/** The path prefix of a group/version: /api/v1 or /apis/<group>/<version>. */
export function versionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** Collection path (no name) or object path (with name) for a resolved resource. */
export function resourcePath(info: ResourceInfo, namespace?: string, name?: string): string {
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const tail = name ? `/${encodeURIComponent(name)}` : '';
  return `${versionPath(info.apiVersion)}${ns}/${info.plural}${tail}`;
}

export class Discovery {
  private readonly cache = new Map<string, ApiResource[] | null>();

  constructor(private readonly transport: Transport) {}

  /** Forgets what is known (after a CRD was created or changed). */
  invalidate(apiVersion?: string): void {
    if (apiVersion === undefined) this.cache.clear();
    else this.cache.delete(apiVersion);
  }

  async find(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    let hit = this.lookup(apiVersion, kind, await this.resources(apiVersion));
    if (!hit) {
      this.invalidate(apiVersion);
      hit = this.lookup(apiVersion, kind, await this.resources(apiVersion));
    }
    return hit;
  }

  /** Like find(), but a kind the server does not serve is a coded error saying what it does. */
  async require(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const hit = await this.find(apiVersion, kind);
    if (hit) return hit;
    const group = groupOf(apiVersion);
    const served = group ? await this.servedVersions(group) : ['v1'];
    const where = group ? `group ${group}` : 'the core group';
    if (served.length === 0) {
      throw usageError(
        'KUBE_UNKNOWN_KIND',
        `The API server does not serve ${kind} (${apiVersion}): no API ${where} is installed`,
        'Install the CustomResourceDefinitions for it first (the operator phase does that), ' +
          'or fix apiVersion.',
      );
    }
    const others = served.filter((v) => `${group ? `${group}/` : ''}${v}` !== apiVersion);
    throw usageError(
      'KUBE_UNKNOWN_KIND',
      `The API server does not serve ${kind} in ${apiVersion}; ${where} serves ` +
        `${served.map((v) => (group ? `${group}/${v}` : v)).join(', ')}`,
      others.length > 0
        ? `Change apiVersion to one of the served versions (and adapt the fields to its schema).`
        : `Check the kind's spelling: ${apiVersion} has no kind named ${kind}.`,
    );
  }

  /** Versions a group serves, preferred first; empty when the group does not exist. */
  async servedVersions(group: string): Promise<string[]> {
    const body = await this.transport.getOrUndefined<{
      versions?: { version: string }[];
      preferredVersion?: { version: string };
    }>(`/apis/${group}`, `discover API group ${group}`);
    const versions = (body?.versions ?? []).map((v) => v.version);
    const preferred = body?.preferredVersion?.version;
    return preferred ? [preferred, ...versions.filter((v) => v !== preferred)] : versions;
  }

  private lookup(apiVersion: string, kind: string, list: ApiResource[] | null) {
    // Subresources ("deployments/status") share the kind; only the top-level name is a path.
    const found = list?.find((r) => r.kind === kind && !r.name.includes('/'));
    if (!found) return undefined;
    return { apiVersion, kind, plural: found.name, namespaced: found.namespaced };
  }

  private async resources(apiVersion: string): Promise<ApiResource[] | null> {
    const cached = this.cache.get(apiVersion);
    if (cached !== undefined) return cached;
    const body = await this.transport.getOrUndefined<{ resources?: ApiResource[] }>(
      versionPath(apiVersion),
      `discover ${apiVersion}`,
    );
    const list = body ? (body.resources ?? []) : null;
    this.cache.set(apiVersion, list);
    return list;
  }
}
