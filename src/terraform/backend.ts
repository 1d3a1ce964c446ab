// Where terraform keeps its state. Local by default: a file in the working directory, whose
// path is reported on every run so the user knows what to back up. Optionally an OCI Object
// Storage bucket, written as a backend override file; how depends on the terraform version:
//   >= 1.12       the native "oci" backend: API-key auth from the same OCI config profile,
//                 locking through conditional writes.
//   1.6 .. 1.11   the "s3" backend against Object Storage's S3-compatible endpoint, which
//                 authenticates with a Customer Secret Key (AWS_ACCESS_KEY_ID /
//                 AWS_SECRET_ACCESS_KEY or ~/.aws/credentials) — never written by us.
//                 skip_s3_checksum exists from 1.6.3; OCI rejects the checksum header.
//   1.5           the "s3" backend in its pre-1.6 syntax (endpoint, force_path_style).
// The s3 route has no state locking against OCI (no DynamoDB): said so in a warning.
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { atLeast, type Version } from './binary.js';

export type BackendConfig = Config['terraform']['backend'];

export interface BackendPlan {
  /** Content of backend_override.tf, or undefined for the local backend (no override). */
  override: string | undefined;
  /** Where the state lives: a file path, or oci://bucket@namespace/key. */
  location: string;
  kind: 'local' | 'oci' | 's3-compat';
  warnings: string[];
}

/** An HCL string literal; `${` and `%{` are escaped so values are never templates. */
export function hclString(value: string): string {
  // Function replacements: in a replacement string `$$` would itself mean a single `$`.
  return JSON.stringify(value)
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
}

function block(type: string, attrs: [string, string | boolean | Record<string, string>][]): string {
  const width = Math.max(...attrs.map(([k]) => k.length));
  const lines = attrs.map(([k, v]) => {
    const key = k.padEnd(width);
    if (typeof v === 'boolean') return `    ${key} = ${v}`;
    if (typeof v === 'string') return `    ${key} = ${hclString(v)}`;
    const inner = Object.entries(v).map(([ik, iv]) => `      ${ik} = ${hclString(iv)}`);
    return `    ${key} = {\n${inner.join('\n')}\n    }`;
  });
  return [
    '# Written by todo-infra from terraform.backend in its config; edits are overwritten.',
    'terraform {',
    `  backend "${type}" {`,
    ...lines,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Object Storage's S3-compatible API endpoint for a namespace and region. */
export function s3CompatEndpoint(namespace: string, region: string): string {
  return `https://${namespace}.compat.objectstorage.${region}.oraclecloud.com`;
}

export function planBackend(
  backend: BackendConfig,
  version: Version,
  context: { workDir: string; region: string; profile: string },
): BackendPlan {
  if (backend.type === 'local') {
    return {
      override: undefined,
      location: join(context.workDir, 'terraform.tfstate'),
      kind: 'local',
      warnings: [],
    };
  }
  const region = backend.region ?? context.region;
  const location = `oci://${backend.bucket}@${backend.namespace}/${backend.key}`;
  if (atLeast(version, 1, 12)) {
    const override = block('oci', [
      ['bucket', backend.bucket],
      ['namespace', backend.namespace],
      ['key', backend.key],
      ['region', region],
      ['config_file_profile', context.profile],
    ]);
    return { override, location, kind: 'oci', warnings: [] };
  }
  const warnings = [
    `terraform ${version.major}.${version.minor} has no native OCI backend (1.12+): state goes ` +
      'through the S3-compatible API, authenticated by a Customer Secret Key in ' +
      'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or ~/.aws/credentials, and is not locked ' +
      'against concurrent runs. Terraform 1.12+ removes both limitations.',
  ];
  const endpoint = s3CompatEndpoint(backend.namespace, region);
  const common: [string, string | boolean][] = [
    ['bucket', backend.bucket],
    ['key', backend.key],
    ['region', region],
    ['skip_region_validation', true],
    ['skip_credentials_validation', true],
    ['skip_metadata_api_check', true],
  ];
  if (!atLeast(version, 1, 6)) {
    const override = block('s3', [...common, ['endpoint', endpoint], ['force_path_style', true]]);
    return { override, location, kind: 's3-compat', warnings };
  }
  const attrs: [string, string | boolean | Record<string, string>][] = [
    ...common,
    ['skip_requesting_account_id', true],
    ['use_path_style', true],
    ['endpoints', { s3: endpoint }],
  ];
  if (atLeast(version, 1, 6, 3)) attrs.push(['skip_s3_checksum', true]);
  else {
    warnings.push(
      `terraform ${version.major}.${version.minor}.${version.patch} cannot turn off the S3 ` +
        'upload checksum, which OCI rejects; upgrade to 1.6.3 or later if state uploads fail.',
    );
  }
  return { override: block('s3', attrs), location, kind: 's3-compat', warnings };
}
