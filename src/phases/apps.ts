// Phase apps (runbook T056–T066): frontend and backend Deployments, Services, HPAs and the
// Ingress; then rollouts, Dapr sidecars and the public URL are checked. Its render also writes
// the optional Helm chart of the same objects (T171–T175, infrastructure/helm/todo-app/).
//
// Dapr installed after the apps: the injector only acts when a pod is created, so pods that
// predate it run without daprd. When the dapr phase has completed and such pods exist, each
// Deployment is restarted in turn (one at a time: the quota leaves room for one surge pod)
// and afterwards every pod must have two containers, the app and daprd.
import type { Config } from '../config/schema.js';
import { TodoInfraError, usageError } from '../core/errors.js';
import type { CheckResult, Outputs, Phase, PhaseContext, PlanItem } from '../engine/phase.js';
import type { KubeObject } from '../kube/types.js';
import { toYaml } from '../manifests/base/yaml.js';
import { deploymentObject } from '../manifests/apps/deployment.js';
import { waitForRolloutExplained } from '../manifests/apps/diagnose.js';
import {
  imageFor,
  pullSecretFor,
  type Component,
  type RegistryOutputs,
} from '../manifests/apps/images.js';
import { helmChartFiles } from '../manifests/apps/helm-chart.js';
import { ingressObject } from '../manifests/apps/ingress.js';
import { hpaObject, serviceAccountObject, serviceObject } from '../manifests/apps/service.js';
import { appPods, checkPublicUrl, publicUrlFor, sidecarState } from '../manifests/apps/verify.js';
import { ingressController } from '../manifests/ingress/controller.js';
import { tasks } from './runbook.js';

const COMPONENTS: readonly Component[] = ['frontend', 'backend'];

/** The objects apps applies, in order; `registry` is the registry phase's outputs. */
export function appObjects(config: Config, registry: RegistryOutputs | undefined): KubeObject[] {
  if (config.ingress.tls.enabled && !config.ingress.host) {
    throw usageError(
      'TLS_WITHOUT_HOST',
      'ingress.tls.enabled is true but ingress.host is not set',
      'Set ingress.host to the name your certificate covers, or turn ingress.tls.enabled off.',
    );
  }
  const perWorkloadSa = config.hardening.serviceAccountPerWorkload;
  const out: KubeObject[] = [];
  for (const c of COMPONENTS) {
    if (perWorkloadSa) out.push(serviceAccountObject(config, c));
    out.push(serviceObject(config, c));
    out.push(
      deploymentObject(config, c, {
        image: imageFor(config, c, registry),
        pullSecret: pullSecretFor(config, registry),
        serviceAccount: perWorkloadSa ? c : undefined,
      }),
    );
    const hpa = hpaObject(config, c);
    if (hpa) out.push(hpa);
  }
  out.push(ingressObject(config, ingressController(config).className(config)));
  return out;
}

function registryOf(ctx: Pick<PhaseContext, 'outputsOf'>): RegistryOutputs | undefined {
  return ctx.outputsOf<RegistryOutputs>('registry');
}

function running(config: Config): Component[] {
  return COMPONENTS.filter((c) => config.apps[c].replicas !== 0);
}

export const appsPhase: Phase = {
  id: 'apps',
  title: 'Frontend, backend and public routing',
  // registry is cloud-only: with --target existing it is skipped, which satisfies the need.
  needs: ['base', 'ingress', 'registry'],
  runbook: tasks([56, 66], [171, 175]),

  inputs(ctx) {
    return {
      objects: appObjects(ctx.config, registryOf(ctx)),
      // Dapr arriving later changes what the phase must do (restart, expect sidecars).
      dapr: ctx.outputsOf('dapr') !== undefined,
      publicUrl: ctx.config.apps.publicUrl,
    };
  },

  async plan(ctx): Promise<PlanItem[]> {
    const items: PlanItem[] = appObjects(ctx.config, registryOf(ctx)).map((o) => ({
      action: 'apply',
      what: `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`,
    }));
    items.push({ action: 'wait', what: 'rollouts of frontend and backend' });
    items.push({ action: 'check', what: 'public URL answers at / and /api' });
    return items;
  },

  async run(ctx): Promise<Outputs> {
    const { config } = ctx;
    const ns = config.apps.namespace;
    const objects = appObjects(config, registryOf(ctx));
    const kube = await ctx.kube();

    ctx.step('apply app manifests');
    const results = await kube.apply(objects);
    const changed = results.filter((r) => r.action !== 'unchanged').length;
    ctx.log.info(`${results.length} objects applied (${changed} created or changed)`);

    const daprInstalled = ctx.outputsOf('dapr') !== undefined;
    const timeoutMs = config.apps.rolloutTimeoutSeconds * 1000;
    for (const c of running(config)) {
      if (daprInstalled) {
        const state = sidecarState(await appPods(kube, config, c));
        if (state.withoutSidecar.length > 0) {
          ctx.step(`restart ${c} so Dapr injects its sidecar`);
          ctx.log.info(`${c}: ${state.withoutSidecar.join(', ')} lack daprd; rollout restart`);
          await kube.rolloutRestart(ns, c);
        }
      }
      ctx.step(`rollout of ${c}`);
      ctx.waiting(`rollout of ${ns}/${c}`, new Date(Date.now() + timeoutMs));
      await waitForRolloutExplained(kube, ns, c, { timeoutMs, signal: ctx.signal, phase: 'apps' });
    }

    if (daprInstalled) {
      ctx.step('check Dapr sidecars');
      for (const c of running(config)) {
        const state = sidecarState(await appPods(kube, config, c));
        if (state.withoutSidecar.length > 0) {
          throw sidecarMissing(config, c, state.withoutSidecar);
        }
      }
    }

    ctx.step('HTTP checks of the public URL');
    const base = await publicUrlFor(ctx, kube);
    const lbMs = config.apps.loadBalancerTimeoutSeconds * 1000;
    const deadline = new Date(Date.now() + lbMs);
    ctx.waiting(`${base}/ and ${base}/api to answer`, deadline);
    const answers = await checkPublicUrl(base, { deadline, signal: ctx.signal, log: ctx.log });
    ctx.log.info(`public URL ${base}: / → HTTP ${answers.root}, /api → HTTP ${answers.api}`);

    return {
      url: base,
      namespace: ns,
      images: Object.fromEntries(
        running(config).map((c) => [c, imageFor(config, c, registryOf(ctx))]),
      ),
      daprSidecars: daprInstalled,
    };
  },

  async checkpoint(ctx): Promise<CheckResult> {
    const { config } = ctx;
    const kube = await ctx.kube();
    const daprInstalled = ctx.outputsOf('dapr') !== undefined;
    const notes: string[] = [];
    for (const c of running(config)) {
      const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: c };
      const dep = await kube.get({ ...ref, namespace: config.apps.namespace });
      const st = (dep?.status ?? {}) as { availableReplicas?: number; updatedReplicas?: number };
      if (!dep || (st.availableReplicas ?? 0) < 1) {
        return { ok: false, detail: `Deployment ${c} has no available replica` };
      }
      const pods = await appPods(kube, config, c);
      if (daprInstalled && sidecarState(pods).withoutSidecar.length > 0) {
        return { ok: false, detail: `${c} pods run without the Dapr sidecar` };
      }
      notes.push(`${c}: ${st.availableReplicas} available`);
    }
    try {
      const base = await publicUrlFor(ctx, kube);
      await checkPublicUrl(base, { deadline: new Date(Date.now() + 10_000), signal: ctx.signal });
      notes.push(`${base} answers at / and /api`);
    } catch {
      return { ok: false, detail: 'the public URL does not answer at / and /api' };
    }
    return { ok: true, detail: notes.join('; ') };
  },

  render(config: Config) {
    return renderApps(config);
  },
};

function sidecarMissing(config: Config, c: Component, pods: string[]): TodoInfraError {
  const ns = config.dapr.namespace;
  return new TodoInfraError(
    'DAPR_SIDECAR_MISSING',
    `${c} pods ${pods.join(', ')} have no daprd container after a restart`,
    {
      phase: 'apps',
      source: 'environment',
      hint:
        `Dapr's sidecar injector did not act: check it (kubectl get pods -n ${ns}; its ` +
        'MutatingWebhookConfiguration dapr-sidecar-injector) and re-run `todo-infra phase apps`.',
    },
  );
}

/**
 * infrastructure/k8s/apps/... and the optional Helm chart (infrastructure/helm/todo-app/) of
 * the same objects: images resolved from the config alone (no registry outputs).
 */
function renderApps(config: Config) {
  const files: Array<{ path: string; content: string }> = [];
  const note = 'Generated by todo-infra render; applied by `todo-infra phase apps`.';
  const renderable = renderableConfig(config);
  const objects = appObjects(renderable, undefined);
  for (const c of COMPONENTS) {
    const mine = (kind: string) => objects.filter((o) => o.kind === kind && o.metadata.name === c);
    const dir = `infrastructure/k8s/apps/${c}`;
    files.push({ path: `${dir}/deployment.yaml`, content: toYaml(mine('Deployment'), note) });
    files.push({ path: `${dir}/service.yaml`, content: toYaml(mine('Service'), note) });
    const hpa = mine('HorizontalPodAutoscaler');
    if (hpa.length > 0) files.push({ path: `${dir}/hpa.yaml`, content: toYaml(hpa, note) });
  }
  const ingress = objects.filter((o) => o.kind === 'Ingress');
  files.push({ path: 'infrastructure/k8s/apps/ingress.yaml', content: toYaml(ingress, note) });
  files.push(...helmChartFiles(renderable));
  return files;
}

/** Without a configured image or registry, render a placeholder the user edits. */
export function renderableConfig(config: Config): Config {
  const host = config.registry.host ?? 'REGISTRY_HOST';
  const namespace = config.registry.namespace ?? 'REGISTRY_NAMESPACE';
  return { ...config, registry: { ...config.registry, host, namespace } };
}
