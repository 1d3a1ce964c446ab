// SIMULATOR — stands in for Dapr's sidecar injector (dapr-sidecar-injector), which is a
// mutating admission webhook: on pod CREATE it adds a `daprd` container to pods annotated
// dapr.io/enabled: "true". This one is a real webhook too — an HTTPS server in the test process
// registered with the API server through a MutatingWebhookConfiguration — so the admission
// chain is the real one: the added container then passes (or fails) Pod Security and the
// ResourceQuota like the real sidecar.
//
// What it reproduces: injection only at pod creation (so pods created before it exists keep
// one container until restarted), only for annotated pods, with the sidecar resources from the
// dapr.io/sidecar-* annotations and a restricted-compliant security context (what Dapr's
// injector produces with sidecarDropALLCapabilities and the seccomp annotation).
// What it does NOT reproduce: daprd itself (kwok "runs" the container), its ports, env, mTLS
// identity, token volume, the control plane's certificates or the injector's own deployment.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KubeClient } from '../cluster/kube-client.ts';
import { selfSignedCert } from '../cluster/self-signed.ts';

export interface InjectorSimulator {
  injected: string[];
  stop(): Promise<void>;
}

function sidecar(annotations: Record<string, string>): Record<string, unknown> {
  const a = (k: string, d: string) => annotations[`dapr.io/${k}`] ?? d;
  return {
    name: 'daprd',
    image: 'ghcr.io/dapr/daprd:1.18.3',
    args: ['--mode', 'kubernetes', '--app-id', a('app-id', 'unknown')],
    resources: {
      requests: {
        cpu: a('sidecar-cpu-request', '100m'),
        memory: a('sidecar-memory-request', '250Mi'),
      },
      limits: { cpu: a('sidecar-cpu-limit', '1'), memory: a('sidecar-memory-limit', '1Gi') },
    },
    securityContext: {
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: a('sidecar-seccomp-profile-type', 'RuntimeDefault') },
    },
  };
}

function review(body: any, injected: string[]): object {
  const req = body.request;
  const pod = req.object;
  const annotations: Record<string, string> = pod?.metadata?.annotations ?? {};
  const response: Record<string, unknown> = { uid: req.uid, allowed: true };
  const has = (pod?.spec?.containers ?? []).some((c: any) => c.name === 'daprd');
  if (annotations['dapr.io/enabled'] === 'true' && !has) {
    const patch = [{ op: 'add', path: '/spec/containers/-', value: sidecar(annotations) }];
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(patch)).toString('base64');
    injected.push(`${req.namespace}/${pod?.metadata?.generateName ?? pod?.metadata?.name}`);
  }
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

/** Registers the webhook for pods in `namespace` only, so no other test is affected. */
export async function startInjectorSimulator(
  client: KubeClient,
  namespace: string,
): Promise<InjectorSimulator> {
  const { cert, key } = selfSignedCert({ ip: '127.0.0.1' });
  const injected: string[] = [];
  const server: Server = createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const out = review(JSON.parse(Buffer.concat(chunks).toString('utf8')), injected);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const name = `dapr-injector-simulator-${namespace}`;
  const path = '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations';
  await client.json('POST', path, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name },
    webhooks: [
      {
        name: 'sidecar-injector.dapr.simulator.test',
        clientConfig: {
          url: `https://127.0.0.1:${port}/mutate`,
          caBundle: Buffer.from(cert).toString('base64'),
        },
        rules: [
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] },
        ],
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        failurePolicy: 'Fail',
        timeoutSeconds: 5,
      },
    ],
  });
  return {
    injected,
    async stop() {
      await client.request('DELETE', `${path}/${name}`);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
