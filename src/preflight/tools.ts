// Local tool checks (runbook T003–T006, T002): probed in parallel, each with a minimum version
// and a fix. Which tools are required depends on the target: terraform only provisions OKE, and
// docker only builds images (the CI workflows do that), so they fail the check only when needed.
import type { Config } from '../config/schema.js';
import { runTool } from '../core/proc.js';
import type { CheckOutcome } from './types.js';
import { atLeast, parseVersion, type Version } from './versions.js';

interface ToolSpec {
  id: string;
  title: string;
  argv: string[];
  /** Extracts the version from the tool's output. */
  pick?: (stdout: string) => string;
  accept(v: Version): boolean;
  want: string;
  install: string;
  required(config: Config): boolean;
  why?: string;
}

export function toolSpecs(binaries: { helm?: string; terraform?: string } = {}): ToolSpec[] {
  return [
    {
      id: 'helm',
      title: 'Helm',
      argv: [binaries.helm ?? process.env.HELM_BIN ?? 'helm', 'version', '--short'],
      accept: (v) => v.major === 3 || v.major === 4,
      want: '3.x or 4.x',
      install: 'Install Helm 3 or 4: https://helm.sh/docs/intro/install/',
      required: () => true,
    },
    {
      id: 'terraform',
      title: 'Terraform',
      argv: [binaries.terraform ?? 'terraform', 'version', '-json'],
      pick: (out) => {
        try {
          return String((JSON.parse(out) as { terraform_version?: string }).terraform_version);
        } catch {
          return out;
        }
      },
      accept: (v) => atLeast(v, 1, 5),
      want: '>= 1.5',
      install: 'Install Terraform 1.5 or newer: https://developer.hashicorp.com/terraform/install',
      required: (c) => c.target === 'oke',
      why: 'only needed to provision OKE (--target oke)',
    },
    {
      id: 'kubectl',
      title: 'kubectl',
      argv: ['kubectl', 'version', '--client', '-o', 'json'],
      pick: (out) => {
        try {
          return String(
            (JSON.parse(out) as { clientVersion?: { gitVersion?: string } }).clientVersion
              ?.gitVersion,
          );
        } catch {
          return out;
        }
      },
      accept: (v) => atLeast(v, 1, 28),
      want: '>= 1.28',
      install: 'Install kubectl 1.28 or newer: https://kubernetes.io/docs/tasks/tools/',
      required: () => false,
      why: 'todo-infra talks to the API itself; the runbook checks and workflows use kubectl',
    },
    {
      id: 'docker',
      title: 'Docker',
      argv: ['docker', '--version'],
      accept: () => true,
      want: 'any',
      install: 'Install Docker to build images locally: https://docs.docker.com/get-docker/',
      required: () => false,
      why: 'only needed to build images by hand; the CI workflows build them',
    },
    {
      id: 'oci-cli',
      title: 'OCI CLI',
      argv: ['oci', '--version'],
      accept: () => true,
      want: 'any',
      install:
        'Optional: todo-infra signs OCI requests itself. ' +
        'https://docs.oracle.com/iaas/Content/API/SDKDocs/cliinstall.htm',
      required: () => false,
      why: 'optional; todo-infra generates OKE tokens natively',
    },
  ];
}

export async function checkTools(config: Config, signal?: AbortSignal): Promise<CheckOutcome[]> {
  const specs = toolSpecs({ terraform: config.terraform.binary });
  return Promise.all(specs.map((spec) => probe(spec, config, signal)));
}

async function probe(spec: ToolSpec, config: Config, signal?: AbortSignal): Promise<CheckOutcome> {
  const required = spec.required(config);
  const base = { id: spec.id, title: spec.title, optional: !required };
  const [file, ...args] = spec.argv as [string, ...string[]];
  let stdout: string;
  try {
    stdout = (await runTool(file, args, { timeoutMs: 15_000, signal, tailLines: 5 })).stdout;
  } catch {
    const note = spec.why ? ` (${spec.why})` : '';
    return { ...base, ok: false, detail: `not found or not working${note}`, fix: spec.install };
  }
  const version = parseVersion(spec.pick ? spec.pick(stdout) : stdout);
  if (!version) {
    return {
      ...base,
      ok: false,
      detail: `could not read a version from: ${stdout.slice(0, 80)}`,
      fix: spec.install,
    };
  }
  if (!spec.accept(version)) {
    return {
      ...base,
      ok: false,
      detail: `${version.text} found, ${spec.want} needed`,
      fix: spec.install,
    };
  }
  return { ...base, ok: true, detail: `${version.text} (${spec.want})` };
}
