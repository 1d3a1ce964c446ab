// Installs the upstream CRDs (Strimzi, Dapr) kept as test data in <repo>/../shared/crds, so
// the product's Kafka/Dapr manifests are validated by the real schemas, and waits until the
// API server reports each one Established (i.e. it serves the new resource).
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { KubeClient } from './kube-client.ts';
import { waitFor } from './wait.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `$TODO_INFRA_SHARED_DIR/crds`, else `<repo>/../shared/crds`. */
export function sharedCrdsDir(): string {
  const shared = process.env.TODO_INFRA_SHARED_DIR || resolve(repoRoot, '..', 'shared');
  const dir = join(shared, 'crds');
  if (!existsSync(dir)) {
    throw new Error(
      `upstream CRD directory ${dir} not found; set TODO_INFRA_SHARED_DIR to the ` +
        'directory that contains crds/ (the shared test data next to the repository)',
    );
  }
  return dir;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) return yamlFiles(p);
      return /\.ya?ml$/.test(entry) ? [p] : [];
    });
}

/** Every CustomResourceDefinition document under `dir`, as plain objects. */
export function readCrds(dir: string): any[] {
  const crds: any[] = [];
  for (const file of yamlFiles(dir)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      const obj = doc.toJS();
      if (obj?.kind === 'CustomResourceDefinition') crds.push(obj);
    }
  }
  return crds;
}

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

function established(crd: any): boolean {
  return crd?.status?.conditions?.some((c: any) => c.type === 'Established' && c.status === 'True');
}

/** Server-side-applies the CRDs and resolves with their names once all are Established. */
export async function installCrds(
  client: KubeClient,
  dir: string,
  timeoutMs: number,
): Promise<string[]> {
  const crds = readCrds(dir);
  for (const crd of crds) {
    const name = crd.metadata.name;
    await client.json(
      'PATCH',
      `${CRD_PATH}/${name}?fieldManager=todo-infra-test-harness&force=true`,
      crd,
      'application/apply-patch+yaml',
    );
  }
  const names: string[] = crds.map((c) => c.metadata.name);
  for (const name of names) {
    await waitFor(
      `CRD ${name} to be Established`,
      async () => {
        const crd = await client.json('GET', `${CRD_PATH}/${name}`);
        return established(crd) ? true : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }
  return names;
}
