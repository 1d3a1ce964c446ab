// `todo-infra token`: the exec credential plugin named in the kubeconfig todo-infra writes.
// Prints exactly one ExecCredential JSON document on stdout and nothing else, as kubectl expects.
import type { Globals } from '../global.js';

export interface TokenOptions {
  clusterId: string;
  region: string;
  profile?: string;
  ociConfigFile?: string;
  ociEndpoint?: string;
}

export async function runTokenCommand(globals: Globals, options: TokenOptions): Promise<number> {
  const { runToken } = await import('../../oci/token.js');
  const json = await runToken({
    clusterId: options.clusterId,
    region: options.region,
    profile: options.profile,
    configFile: options.ociConfigFile,
    stateDir: globals.stateDir,
    endpoint: options.ociEndpoint,
  });
  process.stdout.write(json.endsWith('\n') ? json : json + '\n');
  return 0;
}
