// Offline checks of the app manifests: images, security context, probes, Dapr annotations,
// HPA and the Ingress routing.
import { describe, expect, it } from 'vitest';
import { appObjects, appsPhase } from '../../src/phases/apps.js';
import { imageFor } from '../../src/manifests/apps/images.js';
import { makeConfig } from './apps-harness.js';

const registry = { imagePrefix: 'fra.ocir.io/axyz', pullSecretName: 'ocir-pull' };

describe('app manifests', () => {
  it('builds restricted, arm64, probed, Dapr-annotated Deployments', () => {
    const config = makeConfig({});
    const dep = appObjects(config, registry).find(
      (o) => o.kind === 'Deployment' && o.metadata.name === 'backend',
    ) as any;
    const pod = dep.spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe('fra.ocir.io/axyz/todo-backend:latest');
    expect(pod.imagePullSecrets).toEqual([{ name: 'ocir-pull' }]);
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.securityContext).toEqual({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.livenessProbe).toMatchObject({
      httpGet: { path: '/health' },
      initialDelaySeconds: 30,
      periodSeconds: 10,
    });
    expect(c.readinessProbe).toMatchObject({
      httpGet: { path: '/ready' },
      initialDelaySeconds: 5,
      periodSeconds: 5,
    });
    expect(c.resources).toEqual({
      requests: { cpu: '150m', memory: '256Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
    const ann = dep.spec.template.metadata.annotations;
    expect(ann).toMatchObject({
      'dapr.io/enabled': 'true',
      'dapr.io/app-id': 'backend',
      'dapr.io/app-port': '8000',
      'dapr.io/config': 'appconfig',
      'dapr.io/log-as-json': 'true',
      'dapr.io/sidecar-cpu-request': '50m',
      'dapr.io/sidecar-memory-limit': '256Mi',
    });
    expect(dep.spec.replicas).toBeUndefined();
    expect(c.env).toContainEqual({
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'connection-string' } },
    });
  });

  it('routes /api to the backend and / to the frontend with the controller class', () => {
    const config = makeConfig({ ingress: { className: 'edge' } });
    const ing = appObjects(config, registry).find((o) => o.kind === 'Ingress') as any;
    expect(ing.spec.ingressClassName).toBe('edge');
    expect(ing.spec.rules[0].host).toBeUndefined();
    const route = (p: any) => [p.path, p.pathType, p.backend.service.name];
    expect(ing.spec.rules[0].http.paths.map(route)).toEqual([
      ['/api', 'Prefix', 'backend'],
      ['/', 'Prefix', 'frontend'],
    ]);
  });

  it('makes autoscaling/v2 HPAs from the config, none for a switched-off component', () => {
    const config = makeConfig({
      apps: { frontend: { replicas: 0 }, backend: { hpa: { maxReplicas: 2 } } },
    });
    const objs = appObjects(config, registry);
    const hpas = objs.filter((o) => o.kind === 'HorizontalPodAutoscaler') as any[];
    expect(hpas.map((h) => h.metadata.name)).toEqual(['backend']);
    expect(hpas[0].apiVersion).toBe('autoscaling/v2');
    expect(hpas[0].spec).toMatchObject({ minReplicas: 1, maxReplicas: 2 });
    const fe = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'frontend') as any;
    expect(fe.spec.replicas).toBe(0);
  });

  it('requires apps.<name>.image when there is no registry, naming the key', () => {
    const config = makeConfig({ target: 'existing' });
    expect(() => imageFor(config, 'frontend', undefined)).toThrow(
      /apps\.frontend\.image is not set/,
    );
    const set = makeConfig({
      target: 'existing',
      apps: { frontend: { image: 'ghcr.io/me/fe', tag: 'v1' } },
    });
    expect(imageFor(set, 'frontend', undefined)).toBe('ghcr.io/me/fe:v1');
    const digest = makeConfig({ apps: { frontend: { image: 'ghcr.io/me/fe@sha256:abc' } } });
    expect(imageFor(digest, 'frontend', undefined)).toBe('ghcr.io/me/fe@sha256:abc');
  });

  it('renders the runbook layout', () => {
    const all = appsPhase.render!(makeConfig({}));
    // The rest is the Helm chart of the same objects (its files: helm-chart.test.ts).
    const files = all.filter((f) => !f.path.startsWith('infrastructure/helm/todo-app/'));
    expect(all.length - files.length).toBeGreaterThan(0);
    expect(files.map((f) => f.path)).toEqual([
      'infrastructure/k8s/apps/frontend/deployment.yaml',
      'infrastructure/k8s/apps/frontend/service.yaml',
      'infrastructure/k8s/apps/frontend/hpa.yaml',
      'infrastructure/k8s/apps/backend/deployment.yaml',
      'infrastructure/k8s/apps/backend/service.yaml',
      'infrastructure/k8s/apps/backend/hpa.yaml',
      'infrastructure/k8s/apps/ingress.yaml',
    ]);
    expect(files[0]?.content).toContain(
      'image: REGISTRY_HOST/REGISTRY_NAMESPACE/todo-frontend:latest',
    );
  });
});
