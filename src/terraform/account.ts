// What terraform needs to know about the OCI account that the config may leave to the OCI
// config file: the region and the tenancy (read from the profile, never the key itself), and
// how to make the provider read the same config file the CLI reads.
import { basename, dirname } from 'node:path';
import { homedir } from 'node:os';
import type { Config } from '../config/schema.js';
import { usageError } from '../core/errors.js';
import { expandPath, readConfigFile, selectProfile } from '../oci/config-file.js';
import type { ResolvedAccount } from './tfvars.js';

/** Region and tenancy from the config, falling back to the profile's `region` / `tenancy`. */
export function resolveAccount(config: Config): ResolvedAccount {
  const { oci } = config;
  if (oci.region !== undefined && oci.tenancyId !== undefined) {
    return { region: oci.region, tenancyId: oci.tenancyId };
  }
  const file = readConfigFile(oci.configFile);
  const profile = selectProfile(file, oci.profile);
  const region = oci.region ?? profile.region;
  const tenancyId = oci.tenancyId ?? profile.tenancy;
  if (!region) {
    throw usageError(
      'TERRAFORM_REGION_MISSING',
      `no region: oci.region is not set and profile [${oci.profile}] in ${file.path} has none`,
      'Set oci.region (your home region, e.g. eu-frankfurt-1) or add region=… to the profile.',
    );
  }
  if (!tenancyId) {
    throw usageError(
      'TERRAFORM_TENANCY_MISSING',
      `no tenancy: oci.tenancyId is not set and profile [${oci.profile}] in ${file.path} has none`,
      'Set oci.tenancyId or add tenancy=ocid1.tenancy.oc1..… to the profile.',
    );
  }
  return { region, tenancyId };
}

/**
 * The OCI provider (and terraform's native oci backend) read <home>/.oci/config and offer
 * no setting for another path, only a home override: TF_HOME_OVERRIDE for the provider and
 * OCI_HOME_OVERRIDE for the backend. A config file elsewhere than <dir>/.oci/config cannot
 * be handed to them, so that is refused here with the fix instead of failing in terraform.
 */
export function providerHomeEnv(config: Config, home = homedir()): Record<string, string> {
  const path = expandPath(config.oci.configFile);
  const dir = dirname(path);
  if (basename(path) !== 'config' || basename(dir) !== '.oci') {
    throw usageError(
      'TERRAFORM_OCI_CONFIG_PATH',
      `oci.configFile ${path} is not named <dir>/.oci/config, ` +
        'which the terraform OCI provider requires',
      'Move or link the file to ~/.oci/config (or any <dir>/.oci/config) and set ' +
        'oci.configFile to it.',
    );
  }
  const owner = dirname(dir);
  if (owner === home) return {};
  return { TF_HOME_OVERRIDE: owner, OCI_HOME_OVERRIDE: owner };
}
