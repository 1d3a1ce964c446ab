// What the test tooling builds from the Go module proxy, and how.
//
// Each tool is a wrapper Go module under test/tools/<name>/ whose go.mod/go.sum pin the whole
// dependency graph, so a clean clone rebuilds byte-for-byte the same sources offline. The
// version of a tool is read from its go.mod (never repeated here), so bumping the go.mod is
// the one edit needed to get a new cache entry and a rebuild.
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const toolsSourceDir = dirname(fileURLToPath(import.meta.url));

export interface BinarySpec {
  /** Output file name under <toolDir>/bin/. */
  bin: string;
  /** Go package built into it. */
  pkg: string;
}

export interface ToolSpec {
  name: string;
  /** Module whose version (from the wrapper go.mod) names the cache entry. */
  module: string;
  binaries: BinarySpec[];
  /** Extra -ldflags beyond `-s -w`, given the resolved version and the module's publish time. */
  ldflags(version: string, moduleTime: string): string[];
  /** Cold-build minutes measured on the 2-core dev machine (busy), printed so a wait is expected. */
  coldMinutes: number;
}

const K8S = 'k8s.io/kubernetes/cmd/';

/**
 * Kubernetes binaries report their version from link-time variables; without them /version
 * says v0.0.0 and version checks in helm/kubectl/client libraries misbehave. gitCommit is not
 * in the module zip, so it is set to "unknown" rather than invented.
 */
function kubeVersionFlags(version: string, moduleTime: string): string[] {
  const m = /^v(\d+)\.(\d+)\./.exec(version);
  if (!m)
    throw new Error(`unexpected Kubernetes version ${version} in test/tools/kubernetes/go.mod`);
  const flags: string[] = [];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    flags.push(
      `-X ${pkg}.gitVersion=${version}`,
      `-X ${pkg}.gitMajor=${m[1]}`,
      `-X ${pkg}.gitMinor=${m[2]}`,
      `-X ${pkg}.gitCommit=unknown`,
      `-X ${pkg}.gitTreeState=clean`,
      `-X ${pkg}.buildDate=${moduleTime}`,
    );
  }
  return flags;
}

export const TOOLS: Record<string, ToolSpec> = {
  kubernetes: {
    name: 'kubernetes',
    module: 'k8s.io/kubernetes',
    binaries: [
      { bin: 'kube-apiserver', pkg: `${K8S}kube-apiserver` },
      { bin: 'kube-controller-manager', pkg: `${K8S}kube-controller-manager` },
      { bin: 'kube-scheduler', pkg: `${K8S}kube-scheduler` },
      { bin: 'kubectl', pkg: `${K8S}kubectl` },
    ],
    ldflags: kubeVersionFlags,
    coldMinutes: 10,
  },
  etcd: {
    name: 'etcd',
    module: 'go.etcd.io/etcd/server/v3',
    binaries: [{ bin: 'etcd', pkg: 'go.etcd.io/etcd/server/v3' }],
    // The version itself is a constant in etcd's source; only the commit is link-time.
    ldflags: () => ['-X go.etcd.io/etcd/api/v3/version.GitSHA=unknown'],
    coldMinutes: 2,
  },
  kwok: {
    name: 'kwok',
    module: 'sigs.k8s.io/kwok',
    binaries: [{ bin: 'kwok', pkg: 'sigs.k8s.io/kwok/cmd/kwok' }],
    ldflags: () => [],
    coldMinutes: 6,
  },
  helm: {
    name: 'helm',
    module: 'helm.sh/helm/v4',
    binaries: [{ bin: 'helm', pkg: 'helm.sh/helm/v4/cmd/helm' }],
    // In-tree default is only "v4.3"; charts with kubeVersion/helm constraints need the patch.
    ldflags: (version) => [
      `-X helm.sh/helm/v4/internal/version.version=${version}`,
      '-X helm.sh/helm/v4/internal/version.gitTreeState=clean',
    ],
    coldMinutes: 6,
  },
};

export function moduleDir(tool: ToolSpec): string {
  return join(toolsSourceDir, tool.name);
}

/** The version the wrapper go.mod requires for the tool's module. */
export function toolVersion(tool: ToolSpec): string {
  const file = join(moduleDir(tool), 'go.mod');
  const text = readFileSync(file, 'utf8');
  const escaped = tool.module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const m = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(text);
  if (!m?.[1]) {
    throw new Error(`${file} does not require ${tool.module}; cannot tell which version to build`);
  }
  return m[1];
}
