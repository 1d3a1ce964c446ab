// Every GitHub secret and variable the rendered workflows read: the builders take the names
// from here, and the README section documents each from here. The tests check the other
// direction too (each `secrets.X`/`vars.X` in the rendered YAML has an entry, each entry is
// read by some workflow), so the docs cannot drift from the workflows.

export type RefKind = 'secret' | 'variable';

export interface RefDoc {
  name: string;
  kind: RefKind;
  /** What it holds, one line. */
  holds: string;
  /** Example value (never a real credential); shown for variables only. */
  example?: string;
}

export const SECRETS = {
  ocirUser: 'OCIR_USER',
  ocirToken: 'OCIR_AUTH_TOKEN',
  apiServer: 'KUBE_API_SERVER',
  caData: 'KUBE_CA_DATA',
  saToken: 'KUBE_SA_TOKEN',
} as const;

export const VARS = {
  registry: 'OCIR_REGISTRY',
  namespace: 'OCIR_NAMESPACE',
} as const;

export const REFS: RefDoc[] = [
  {
    name: VARS.registry,
    kind: 'variable',
    holds: 'OCIR host of your region, `<region-key>.ocir.io`',
    example: 'fra.ocir.io',
  },
  {
    name: VARS.namespace,
    kind: 'variable',
    holds: "the tenancy's Object Storage namespace (OCIR's first path segment)",
    example: 'axaxnpcrorw5',
  },
  {
    name: SECRETS.ocirUser,
    kind: 'secret',
    holds: 'the OCI user OCIR logs in as, without the namespace (e.g. `jdoe@example.com`)',
  },
  { name: SECRETS.ocirToken, kind: 'secret', holds: "that user's OCIR auth token" },
  {
    name: SECRETS.apiServer,
    kind: 'secret',
    holds: "the OKE cluster's Kubernetes API endpoint URL (`https://…:6443`)",
  },
  {
    name: SECRETS.caData,
    kind: 'secret',
    holds: "the cluster's CA certificate, base64 (`certificate-authority-data`)",
  },
  {
    name: SECRETS.saToken,
    kind: 'secret',
    holds: 'a token of the CI/CD ServiceAccount, bound to the deployer Role',
  },
];

export const secret = (name: string): string => `\${{ secrets.${name} }}`;
export const variable = (name: string): string => `\${{ vars.${name} }}`;

/** Names referenced as `secrets.X` / `vars.X` anywhere in a rendered workflow. */
export function referencedNames(yamlText: string): { secrets: string[]; variables: string[] } {
  const grab = (re: RegExp): string[] =>
    [...new Set([...yamlText.matchAll(re)].map((m) => m[1] ?? ''))].sort();
  return {
    secrets: grab(/\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)/g),
    variables: grab(/\bvars\.([A-Za-z_][A-Za-z0-9_]*)/g),
  };
}
