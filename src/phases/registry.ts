// Phase registry (runbook T031–T035): OCIR repositories for the Todo images, and the
// kubernetes.io/dockerconfigjson pull secret in the app namespace.
//
// The registry password is an OCIR auth token: either created here (registry.createAuthToken)
// or read from its configured secret source. Either way it exists only in memory, registered
// for redaction, and in the Kubernetes Secret — never in the journal, logs or a file. OCI
// allows two auth tokens per user, so when the pull secret already holds a login for this
// registry and user, a re-run keeps it rather than minting another token (delete the Secret
// to rotate).
import type { CheckResult, Phase, PhaseContext } from '../engine/phase.js';
import type { ObjectRef } from '../kube/types.js';
import type { RetryPolicy } from '../oci/call.js';
import { openSession, sessionOptions, type OciSession } from '../oci/clients.js';
import {
  createAuthToken,
  ensureRepositories,
  missingRepositories,
  ocirHost,
  ocirNamespace,
  ocirUsername,
  pullSecret,
  pullSecretLogin,
} from '../oci/registry.js';
import type { TerraformOutputs } from '../terraform/outputs.js';
import { tasks } from './runbook.js';

export interface RegistryPhaseDeps {
  retry?: RetryPolicy;
}

const repositories = (ctx: PhaseContext) => Object.values(ctx.config.registry.repositories);

function secretRef(ctx: PhaseContext): ObjectRef {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    name: ctx.config.registry.pullSecretName,
    namespace: ctx.config.apps.namespace,
  };
}

function session(ctx: PhaseContext, deps: RegistryPhaseDeps): OciSession {
  const tf = ctx.outputsOf<TerraformOutputs>('terraform');
  return openSession({
    ...sessionOptions(ctx.config, ctx.log),
    ...(tf?.region ? { region: tf.region } : {}),
    retry: deps.retry,
    signal: ctx.signal,
  });
}

/** Where the repositories go: the compartment terraform used, else the configured one. */
function compartment(ctx: PhaseContext, s: OciSession): string {
  return (
    ctx.outputsOf<TerraformOutputs>('terraform')?.compartmentId ??
    ctx.config.oci.compartmentId ??
    s.auth.tenancyId
  );
}

async function registryPassword(
  ctx: PhaseContext,
  s: OciSession,
  host: string,
  username: string,
): Promise<string | undefined> {
  const r = ctx.config.registry;
  if (!r.createAuthToken) return ctx.secret('registryToken');
  const kube = await ctx.kube();
  if (pullSecretLogin(await kube.get(secretRef(ctx)), host) === username) {
    ctx.log.info(
      `pull secret ${r.pullSecretName} already logs in as ${username}; keeping it ` +
        '(OCI allows two auth tokens per user — delete the Secret to rotate)',
    );
    return undefined;
  }
  ctx.step('creating an OCIR auth token');
  return createAuthToken(s, `todo-infra image pulls (${ctx.config.cluster.name})`);
}

export function createRegistryPhase(deps: RegistryPhaseDeps = {}): Phase {
  return {
    id: 'registry',
    title: 'Container registry and pull secret',
    needs: ['kubeconfig', 'base'],
    runbook: tasks([31, 35]),
    cloudOnly: true,
    inputs: (ctx) => ({
      compartmentId:
        ctx.outputsOf<TerraformOutputs>('terraform')?.compartmentId ?? ctx.config.oci.compartmentId,
      region: ctx.outputsOf<TerraformOutputs>('terraform')?.region ?? ctx.config.oci.region,
      registry: { ...ctx.config.registry },
      appNamespace: ctx.config.apps.namespace,
      // The source of the password, never its value.
      password: ctx.config.registry.createAuthToken
        ? 'created OCIR auth token'
        : ctx.config.secrets.registryToken,
    }),
    plan: async (ctx) => [
      ...repositories(ctx).map((name) => ({
        action: 'create' as const,
        what: `OCIR repository ${name}`,
        detail: 'private; kept if it exists',
      })),
      ...(ctx.config.registry.createAuthToken
        ? [
            {
              action: 'create' as const,
              what: 'OCIR auth token for the profile user',
              detail: 'unless the pull secret already holds one',
            },
          ]
        : []),
      {
        action: 'apply',
        what: `Secret ${ctx.config.apps.namespace}/` + `${ctx.config.registry.pullSecretName}`,
        detail: 'kubernetes.io/dockerconfigjson',
      },
    ],
    async run(ctx) {
      const s = session(ctx, deps);
      const host = await ocirHost(s.region, ctx.config.registry.host);
      const namespace = await ocirNamespace(s, ctx.config.registry.namespace);
      ctx.step(`repositories in ${host}/${namespace}`);
      const repos = await ensureRepositories(s, compartment(ctx, s), repositories(ctx));
      for (const r of repos) ctx.log.info(`repository ${r.name}: ${r.action}`);
      const username = ctx.config.registry.username ?? (await ocirUsername(s, namespace));
      const password = await registryPassword(ctx, s, host, username);
      if (password) {
        ctx.step(`pull secret ${ctx.config.registry.pullSecretName}`);
        const kube = await ctx.kube();
        const ref = secretRef(ctx);
        await kube.apply([pullSecret(ref.name, ref.namespace ?? '', host, username, password)]);
      }
      return {
        registryHost: host,
        registryNamespace: namespace,
        imagePrefix: `${host}/${namespace}`,
        pullSecretName: ctx.config.registry.pullSecretName,
        username,
        repositories: repos.map((r) => ({ name: r.name, action: r.action })),
      };
    },
    async checkpoint(ctx): Promise<CheckResult> {
      const s = session(ctx, deps);
      const missing = await missingRepositories(s, compartment(ctx, s), repositories(ctx));
      if (missing.length > 0) {
        return { ok: false, detail: `missing repositories: ${missing.join(', ')}` };
      }
      const host = await ocirHost(s.region, ctx.config.registry.host);
      const ref = secretRef(ctx);
      const secret = await (await ctx.kube()).get(ref);
      const login = pullSecretLogin(secret, host);
      if (!login) {
        return {
          ok: false,
          detail: secret
            ? `Secret ${ref.namespace}/${ref.name} has no login for ${host}`
            : `Secret ${ref.namespace}/${ref.name} does not exist`,
        };
      }
      return {
        ok: true,
        detail:
          `${repositories(ctx).length} repositories; ` +
          `Secret ${ref.namespace}/${ref.name} logs in to ${host} as ${login}`,
      };
    },
  };
}

export const registryPhase: Phase = createRegistryPhase();
