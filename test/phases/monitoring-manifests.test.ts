// Offline checks of the monitoring phase's building blocks: the probe audit's judgement, the
// APIService state, metrics-server's fit in the monitoring quota, and the rendered files.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from '../../src/kube/types.js';
import { bytes, milliCpu } from '../../src/manifests/base/quantity.js';
import { metricsServerValues } from '../../src/manifests/monitoring/metrics-server.js';
import { auditDeployments } from '../../src/manifests/monitoring/probes.js';
import { deploymentObject } from '../../src/manifests/apps/deployment.js';
import { apiServiceState, monitoringPhase } from '../../src/phases/monitoring.js';
import { makeConfig } from './apps-harness.js';

const config = makeConfig({});

function deployment(name: string, containers: Array<Record<string, unknown>>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'todo-app' },
    spec: { template: { spec: { containers } } },
  };
}

const good = {
  livenessProbe: {
    httpGet: { path: '/health', port: 'http' },
    initialDelaySeconds: 30,
    periodSeconds: 10,
  },
  readinessProbe: {
    httpGet: { path: '/ready', port: 'http' },
    initialDelaySeconds: 5,
    periodSeconds: 5,
  },
};

describe('probe audit', () => {
  it("accepts the apps phase's own Deployments", () => {
    const deps = (['frontend', 'backend'] as const).map((c) =>
      deploymentObject(config, c, { image: 'example/x:1' }),
    );
    expect(auditDeployments(deps)).toEqual({ deployments: ['backend', 'frontend'], findings: [] });
  });

  it('names the Deployment, the container and what is wrong', () => {
    const audit = auditDeployments([
      deployment('a', [{ name: 'app', ...good }]),
      deployment('b', [{ name: 'app' }]),
      deployment('c', [
        {
          name: 'app',
          ...good,
          livenessProbe: {
            httpGet: { path: '/healthz' },
            initialDelaySeconds: 30,
            periodSeconds: 10,
          },
          readinessProbe: { tcpSocket: { port: 80 }, initialDelaySeconds: 5, periodSeconds: 5 },
        },
      ]),
      // Omitted fields take the API server's defaults: delay 0, period 10.
      deployment('d', [
        {
          name: 'app',
          livenessProbe: { httpGet: { path: '/health' } },
          readinessProbe: { httpGet: { path: '/ready' }, initialDelaySeconds: 5 },
        },
      ]),
      deployment('e', [{ name: 'app', ...good }, { name: 'helper' }]),
    ]);
    expect(audit.findings).toEqual([
      { deployment: 'b', container: 'app', problem: 'has no livenessProbe' },
      { deployment: 'b', container: 'app', problem: 'has no readinessProbe' },
      { deployment: 'c', container: 'app', problem: 'livenessProbe checks /healthz, not /health' },
      { deployment: 'c', container: 'app', problem: 'readinessProbe is not an HTTP GET' },
      {
        deployment: 'd',
        container: 'app',
        problem: 'livenessProbe initialDelaySeconds is 0, not 30',
      },
      { deployment: 'd', container: 'app', problem: 'readinessProbe periodSeconds is 10, not 5' },
      { deployment: 'e', container: 'helper', problem: 'has no livenessProbe' },
      { deployment: 'e', container: 'helper', problem: 'has no readinessProbe' },
    ]);
  });
});

describe('metrics APIService state', () => {
  it("reads the aggregator's Available condition", () => {
    const svc = (conditions: unknown[]): KubeObject => ({
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: 'v1beta1.metrics.k8s.io' },
      status: { conditions },
    });
    expect(apiServiceState(undefined)).toEqual({
      ok: false,
      detail: 'APIService v1beta1.metrics.k8s.io does not exist',
    });
    expect(apiServiceState(svc([{ type: 'Available', status: 'True' }])).ok).toBe(true);
    expect(
      apiServiceState(
        svc([
          {
            type: 'Available',
            status: 'False',
            reason: 'FailedDiscoveryCheck',
            message: 'no response',
          },
        ]),
      ).detail,
    ).toBe(
      'APIService v1beta1.metrics.k8s.io is not Available ' + '(FailedDiscoveryCheck: no response)',
    );
  });
});

describe('metrics-server values', () => {
  it('fit the monitoring quota even while a rolling update runs two pods', () => {
    const v = metricsServerValues(config) as any;
    const q = config.apps.quotas.monitoring;
    const pods = v.replicas + v.updateStrategy.rollingUpdate.maxSurge;
    expect(pods).toBeLessThanOrEqual(q.pods);
    for (const kind of ['requests', 'limits'] as const) {
      expect(pods * milliCpu(v.resources[kind].cpu)).toBeLessThanOrEqual(milliCpu(q[kind].cpu));
      expect(pods * bytes(v.resources[kind].memory)).toBeLessThanOrEqual(bytes(q[kind].memory));
    }
    expect(v.apiService).toEqual({ create: true });
    expect(JSON.stringify(v)).not.toContain('insecure');
  });
});

describe('monitoring render', () => {
  it('writes the values file and a README on probes, top, JSON logs, OCI Logging, lag', () => {
    const files = monitoringPhase.render!(config);
    expect(files.map((f) => f.path)).toEqual([
      'infrastructure/k8s/monitoring/metrics-server.yaml',
      'infrastructure/k8s/monitoring/README.md',
    ]);
    const [values, readme] = files.map((f) => f.content);
    expect(parse(values!)).toEqual(metricsServerValues(config));
    expect(values).toContain(
      'helm upgrade --install metrics-server metrics-server --version 3.13.1',
    );
    expect(values).toContain('--repo https://kubernetes-sigs.github.io/metrics-server/');
    for (const text of [
      '/health',
      '/ready',
      'kubectl top pods -n todo-app',
      'correlation_id',
      'Unified Monitoring Agent',
      'use log-content',
      '/var/log/containers/*.log',
      'kafka_consumergroup_lag',
      'deployment/todo-kafka-kafka-exporter',
      'kubectl get hpa',
    ]) {
      expect(readme).toContain(text);
    }
    expect(readme).not.toMatch(/kubectl get kafkaconsumergroups -n/);
    expect(monitoringPhase.render!(config)).toEqual(files);
    for (const f of files) {
      for (const line of f.content.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    }
  });

  it('leaves out the values file when metrics-server is switched off', () => {
    const off = makeConfig({ monitoring: { metricsServer: false } });
    expect(monitoringPhase.render!(off).map((f) => f.path)).toEqual([
      'infrastructure/k8s/monitoring/README.md',
    ]);
  });
});
