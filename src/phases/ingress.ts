// Phase ingress (runbook T039–T042): the ingress controller via real helm, its load balancer
// address, and an HTTP check of it. The controller is chosen by ingress.controller behind the
// IngressController interface (src/manifests/ingress/controller.ts).
//
// Waits are the Kubernetes layer's watches, not `helm --wait`: they can say which pod is
// stuck and why (see waitForRolloutExplained).
import { helmStatus, helmUpgradeInstall } from '../adapters/helm.js';
import type { Config } from '../config/schema.js';
import type { CheckResult, Outputs, Phase, PhaseContext, PlanItem } from '../engine/phase.js';
import { toYamlDoc } from '../manifests/base/yaml.js';
import type { TerraformOutputs } from '../terraform/outputs.js';
import { waitForRolloutExplained } from '../manifests/apps/diagnose.js';
import { ingressController, type ControllerEnv } from '../manifests/ingress/controller.js';
import { httpCheckUntil, publicBaseUrl } from '../manifests/ingress/http-check.js';
import { OCI_LB } from '../manifests/ingress/oci-lb.js';
import { tasks } from './runbook.js';

export interface IngressOutputs extends Outputs {
  controller: string;
  className: string;
  /** The helm release, in `namespace` (todo-infra down uninstalls it). */
  release: string;
  namespace: string;
  service: string;
  address: string;
  /** Base URL the HTTP checks use (apps.publicUrl or derived from the address). */
  url: string;
  revision: number;
}

/** The LB subnet from the terraform phase's outputs (terraform output lb_subnet_id). */
export function controllerEnv(ctx: Pick<PhaseContext, 'outputsOf'>): ControllerEnv {
  const value = ctx.outputsOf<Partial<TerraformOutputs>>('terraform')?.lbSubnetId;
  return typeof value === 'string' && value.length > 0 ? { lbSubnetId: value } : {};
}

const seconds = (s: number) => s * 1000;

export const ingressPhase: Phase = {
  id: 'ingress',
  title: 'Ingress controller and load balancer',
  needs: ['base'],
  runbook: tasks([39, 42]),

  inputs(ctx) {
    const controller = ingressController(ctx.config);
    return {
      controller: controller.id,
      release: controller.release,
      namespace: ctx.config.ingress.namespace,
      chart: controller.chart(ctx.config),
      values: controller.values(ctx.config, controllerEnv(ctx)),
      publicUrl: ctx.config.apps.publicUrl,
    };
  },

  async plan(ctx): Promise<PlanItem[]> {
    const { config } = ctx;
    const controller = ingressController(config);
    const chart = controller.chart(config);
    const ns = config.ingress.namespace;
    return [
      {
        action: 'install',
        what: `${controller.title} (helm release ${ns}/${controller.release})`,
        detail: `chart ${chart.ref} ${chart.version}`,
      },
      {
        action: 'wait',
        what: `load balancer address of Service ${ns}/${controller.serviceName(config)}`,
        detail: `up to ${config.apps.loadBalancerTimeoutSeconds} s`,
      },
      { action: 'check', what: 'HTTP answer from the load balancer' },
    ];
  },

  async run(ctx): Promise<IngressOutputs> {
    const { config } = ctx;
    const controller = ingressController(config);
    const ns = config.ingress.namespace;
    const kube = await ctx.kube();

    ctx.step(`helm upgrade --install ${controller.release}`);
    const release = await helmUpgradeInstall({
      release: controller.release,
      namespace: ns,
      chart: controller.chart(config),
      values: controller.values(config, controllerEnv(ctx)),
      kubeconfig: kube.kubeconfigPath,
      context: kube.context,
      timeoutMs: seconds(config.apps.rolloutTimeoutSeconds),
      signal: ctx.signal,
      logger: ctx.log,
      phase: 'ingress',
    });
    ctx.log.info(
      `${controller.release}: revision ${release.revision} ` +
        `(${release.changed ? 'installed/upgraded' : 'unchanged'})`,
    );

    for (const name of controller.deployments(config)) {
      const timeoutMs = seconds(config.apps.rolloutTimeoutSeconds);
      ctx.waiting(`rollout of ${ns}/${name}`, new Date(Date.now() + timeoutMs));
      await waitForRolloutExplained(kube, ns, name, {
        timeoutMs,
        signal: ctx.signal,
        phase: 'ingress',
      });
    }

    const service = controller.serviceName(config);
    const lbMs = seconds(config.apps.loadBalancerTimeoutSeconds);
    ctx.waiting(`load balancer address of ${ns}/${service}`, new Date(Date.now() + lbMs));
    const address = await kube.waitForLoadBalancer(ns, service, {
      timeoutMs: lbMs,
      signal: ctx.signal,
    });
    ctx.log.info(`load balancer address: ${address}`);

    const url = publicBaseUrl(config.apps.publicUrl, address, config.ingress.host, false);
    const deadline = new Date(Date.now() + lbMs);
    ctx.waiting(`HTTP answer from ${url}/`, deadline);
    // No app Ingress exists yet, so NGINX's default server answers (404 is expected): any
    // HTTP response proves LB → controller works.
    const status = await httpCheckUntil(
      { url: `${url}/`, what: 'the ingress controller behind the load balancer' },
      { deadline, signal: ctx.signal, phase: 'ingress', onAttempt: (o) => ctx.log.debug(o) },
    );
    ctx.log.info(`${url}/ answered HTTP ${status}`);

    return {
      controller: controller.id,
      className: controller.className(config),
      release: controller.release,
      namespace: ns,
      service,
      address,
      url,
      revision: release.revision,
    };
  },

  async checkpoint(ctx): Promise<CheckResult> {
    const { config } = ctx;
    const controller = ingressController(config);
    const ns = config.ingress.namespace;
    const kube = await ctx.kube();
    const rel = await helmStatus({
      release: controller.release,
      namespace: ns,
      kubeconfig: kube.kubeconfigPath,
      context: kube.context,
      signal: ctx.signal,
      logger: ctx.log,
      phase: 'ingress',
    });
    if (!rel || rel.status !== 'deployed') {
      return { ok: false, detail: `helm release ${ns}/${controller.release} is not deployed` };
    }
    const svc = await kube.get({
      apiVersion: 'v1',
      kind: 'Service',
      name: controller.serviceName(config),
      namespace: ns,
    });
    const lb = (svc?.status as { loadBalancer?: { ingress?: Array<Record<string, string>> } })
      ?.loadBalancer?.ingress?.[0];
    const address = lb?.ip ?? lb?.hostname;
    if (!address) {
      const what = `Service ${ns}/${controller.serviceName(config)}`;
      return { ok: false, detail: `${what} has no load-balancer address` };
    }
    const url = publicBaseUrl(config.apps.publicUrl, address, config.ingress.host, false);
    try {
      await httpCheckUntil(
        { url: `${url}/`, what: 'the ingress controller' },
        { deadline: new Date(Date.now() + 10_000), signal: ctx.signal, phase: 'ingress' },
      );
    } catch {
      return { ok: false, detail: `${url}/ does not answer` };
    }
    return {
      ok: true,
      detail: `release ${controller.release} revision ${rel.revision} deployed; ${url}/ answers`,
    };
  },

  render(config: Config) {
    const controller = ingressController(config);
    const chart = controller.chart(config);
    const header = [
      `Helm values for ${controller.title}, chart ${chart.ref} ${chart.version}:`,
      `  helm upgrade --install ${controller.release} ${chart.ref} --version ${chart.version} \\`,
      `    -n ${config.ingress.namespace} -f nginx-values.yaml`,
      `To pin the load balancer to the public subnet, add under controller.service.annotations:`,
      `  ${OCI_LB.subnet1}: <terraform output lb_subnet_id>`,
      '(`todo-infra phase ingress` adds it from the terraform outputs.)',
    ].join('\n');
    return [
      {
        path: 'infrastructure/k8s/ingress/nginx-values.yaml',
        content: toYamlDoc(controller.values(config, {}), header),
      },
    ];
  },
};
