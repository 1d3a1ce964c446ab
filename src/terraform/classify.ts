// Known terraform failures, recognised from its output and turned into coded errors that say
// what to do. The table is ordered: the first matching pattern wins, so the specific ones
// (a lock held, capacity) come before the broad ones (any 401). Each entry is covered by a
// test with the text terraform or the OCI provider prints.
import { ExitCode, TodoInfraError, type ErrorSource, type ExitCodeValue } from '../core/errors.js';
import type { ToolFailure } from '../core/proc.js';

export interface ClassifyContext {
  /** The working directory, for the commands a hint suggests. */
  workDir: string;
  /** The terraform subcommand that failed (init, plan, apply, destroy, output). */
  command: string;
}

interface Pattern {
  code: string;
  test: RegExp;
  source: ErrorSource;
  exitCode?: ExitCodeValue;
  message(output: string, ctx: ClassifyContext): string;
  hint(output: string, ctx: ClassifyContext): string;
}

const RESUME = '`todo-infra phase terraform`';

/**
 * The output as one line: terraform wraps diagnostics to the terminal width and frames them
 * with box-drawing characters in colour mode, so a phrase may be split across lines.
 */
export function flatten(output: string): string {
  return output
    .split('\n')
    .map((line) => line.replace(/^\s*[│╷╵]\s?/, ''))
    .join(' ')
    .replace(/\s+/g, ' ');
}

/** The lock id from terraform's "Lock Info:" block. */
export function lockId(output: string): string | undefined {
  return /Lock Info:.*?\bID:\s+(\S+)/.exec(flatten(output))?.[1];
}

/** The first "Error: …" summary terraform printed (box-drawing prefix removed). */
export function errorSummary(output: string): string | undefined {
  const m = /(?:^|\n)[│\s]*Error:\s*(.+)/.exec(output);
  return m?.[1]?.trim();
}

export const PATTERNS: readonly Pattern[] = [
  {
    code: 'TF_STATE_LOCKED',
    test: /Error acquiring the state lock/,
    source: 'environment',
    exitCode: ExitCode.locked,
    message: (out) => {
      const id = lockId(out);
      return `the terraform state is locked${id ? ` (lock ID ${id})` : ''}`;
    },
    hint: (out, ctx) =>
      'Another terraform run holds the state. Wait for it to finish; if none is running (a run ' +
      'was killed), release the lock with `terraform -chdir=' +
      ctx.workDir +
      ' force-unlock ' +
      (lockId(out) ?? '<lock ID>') +
      '` and resume with ' +
      RESUME +
      '.',
  },
  {
    code: 'TF_BACKEND_CHANGED',
    test: /Backend configuration changed|Can't ask approval for state migration/,
    source: 'user',
    message: () => 'terraform.backend changed since the state was initialised',
    hint: (_out, ctx) =>
      `Move the existing state to the new backend with \`terraform -chdir=${ctx.workDir} ` +
      'init -migrate-state`, or restore the previous terraform.backend; then resume with ' +
      RESUME +
      '.',
  },
  {
    code: 'TF_OUT_OF_CAPACITY',
    test: /Out of host capacity/i,
    source: 'environment',
    message: () =>
      'OCI is out of host capacity for the Ampere A1 shape in the chosen availability domain(s)',
    hint: () =>
      'Always Free A1 capacity frees up over time. Resources created so far are kept in the ' +
      `state; resume later with ${RESUME} (it retries each availability domain in turn).`,
  },
  {
    code: 'TF_NOT_AUTHENTICATED',
    test: /401-NotAuthenticated|\bNotAuthenticated\b/,
    source: 'user',
    message: () => 'OCI rejected the API key (401 NotAuthenticated)',
    hint: () =>
      'Check the profile in your OCI config file: user and tenancy OCIDs, key_file, and that ' +
      'fingerprint matches the public key uploaded under Profile → API keys. ' +
      '`todo-infra check` ' +
      `verifies the credentials; then resume with ${RESUME}.`,
  },
  {
    code: 'TF_LIMIT_EXCEEDED',
    test: new RegExp(
      'LimitExceeded|QuotaExceeded|service limits? (?:were |was |is )?exceeded|' +
        'quota (?:has been |was )?exceeded',
      'i',
    ),
    source: 'environment',
    message: (out) => {
      const which = /limits? were exceeded: ?([a-z0-9-]+(?:, ?[a-z0-9-]+)*)/i.exec(out)?.[1];
      return `an OCI service limit or quota was exceeded${which ? ` (${which})` : ''}`;
    },
    hint: () =>
      'Always Free allows 2 A1 OCPUs and 12 GB in total across the tenancy; other instances ' +
      'count too. `todo-infra check` shows what is used per availability domain. Free capacity ' +
      '(or lower cluster.nodeCount / ocpusPerNode / memoryGbPerNode), then resume with ' +
      RESUME +
      '.',
  },
  {
    code: 'TF_NOT_AUTHORIZED',
    test: /NotAuthorizedOrNotFound/,
    source: 'user',
    message: () =>
      'OCI answered NotAuthorizedOrNotFound: a resource is missing or the user may not use it',
    hint: () =>
      'Check oci.compartmentId / oci.tenancyId, and that your user belongs to a group whose ' +
      'policies allow managing OKE, networking and IAM in that compartment; then resume with ' +
      `${RESUME}.`,
  },
  {
    code: 'TF_TOO_MANY_REQUESTS',
    test: /429-TooManyRequests|\bTooManyRequests\b/,
    source: 'environment',
    message: () => 'OCI throttled the requests (429 TooManyRequests)',
    hint: () => `Wait a few minutes, then resume with ${RESUME}.`,
  },
  {
    code: 'TF_BACKEND_CREDENTIALS',
    test: /InvalidAccessKeyId|SignatureDoesNotMatch|No valid credential sources found/,
    source: 'user',
    message: () => 'the S3-compatible state backend rejected or found no Customer Secret Key',
    hint: () =>
      'Create a Customer Secret Key (Profile → Customer secret keys) and provide it as ' +
      'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or in ~/.aws/credentials — or use terraform ' +
      '1.12+, whose native OCI backend uses your API key.',
  },
  {
    code: 'TF_BACKEND_UNREACHABLE',
    test: /Error inspecting states|Failed to get existing workspaces|Unable to list objects in/,
    source: 'environment',
    message: () => 'terraform cannot read the state backend (OCI Object Storage)',
    hint: () =>
      'Check terraform.backend (bucket, namespace, region), that the bucket exists, and the ' +
      `network or proxy; then resume with ${RESUME}.`,
  },
  {
    code: 'TF_PROVIDER_UNAVAILABLE',
    test: new RegExp(
      'Failed to query available provider packages|Failed to install provider|' +
        'could not connect to registry',
    ),
    source: 'environment',
    message: () => 'terraform could not download the oracle/oci provider',
    hint: () =>
      'terraform init needs registry.terraform.io (or a provider mirror in your terraform CLI ' +
      `config). Check the network or proxy, then resume with ${RESUME}.`,
  },
  {
    code: 'TF_INVALID_VARIABLE',
    test: /Invalid value for variable/,
    source: 'user',
    exitCode: ExitCode.usage,
    message: () => 'the terraform module rejected a value rendered from the config file',
    hint: () =>
      'The module explains which value below; change the matching field of the config file ' +
      '(cluster.*, network.*, oci.*) and run again.',
  },
];

/** Maps a failed terraform command to a specific coded error, or undefined if unknown. */
export function classifyTerraform(
  failure: ToolFailure,
  ctx: ClassifyContext,
): TodoInfraError | undefined {
  const output = flatten(failure.output);
  const pattern = PATTERNS.find((p) => p.test.test(output));
  if (!pattern) return undefined;
  const summary = errorSummary(failure.output);
  const message = `terraform ${ctx.command}: ${pattern.message(output, ctx)}`;
  return new TodoInfraError(pattern.code, message, {
    hint: pattern.hint(output, ctx),
    source: pattern.source,
    exitCode: pattern.exitCode ?? ExitCode.failure,
    details: summary ? [`terraform said: ${summary}`, ...failure.tail] : failure.tail,
  });
}
