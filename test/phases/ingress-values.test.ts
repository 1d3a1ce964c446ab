// Offline checks of the ingress controller's values and rendered file.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { controllerEnv, ingressPhase } from '../../src/phases/ingress.js';
import { ingressController } from '../../src/manifests/ingress/controller.js';
import { publicBaseUrl } from '../../src/manifests/ingress/http-check.js';
import { makeConfig } from './apps-harness.js';

const SUBNET = 'ocid1.subnet.oc1.eu-frankfurt-1.aaaaaaaalbsubnet';

describe('ingress controller values', () => {
  it('asks OCI for one flexible 10 Mbps load balancer in the terraform LB subnet', () => {
    const config = makeConfig({});
    const c = ingressController(config);
    expect(c.release).toBe('nginx-ingress');
    expect(c.serviceName(config)).toBe('nginx-ingress-controller');
    const values = c.values(config, { lbSubnetId: SUBNET }) as any;
    expect(values.controller.service.annotations).toEqual({
      'service.beta.kubernetes.io/oci-load-balancer-shape': 'flexible',
      'service.beta.kubernetes.io/oci-load-balancer-shape-flex-min': '10',
      'service.beta.kubernetes.io/oci-load-balancer-shape-flex-max': '10',
      'service.beta.kubernetes.io/oci-load-balancer-subnet1': SUBNET,
    });
    expect(values.controller.ingressClass.name).toBe('nginx');
    expect(values.controller.allowEmptyIngressHost).toBe(true);
    expect(values.controller.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
  });

  it('serves host-less Ingresses only when no host is configured', () => {
    const config = makeConfig({ ingress: { host: 'todo.example.com' } });
    const values = ingressController(config).values(config, {}) as any;
    expect(values.controller.allowEmptyIngressHost).toBeUndefined();
  });

  it('reads the LB subnet from the terraform phase outputs', () => {
    const ctx = (out: unknown) => ({ outputsOf: () => out }) as any;
    expect(controllerEnv(ctx({ lbSubnetId: SUBNET, region: 'eu-frankfurt-1' }))).toEqual({
      lbSubnetId: SUBNET,
    });
    expect(controllerEnv(ctx({ lbSubnetId: '' }))).toEqual({});
    expect(controllerEnv(ctx(undefined))).toEqual({});
  });

  it('renders nginx-values.yaml that parses back to the values (without the subnet)', () => {
    const config = makeConfig({});
    const [file] = ingressPhase.render!(config);
    expect(file?.path).toBe('infrastructure/k8s/ingress/nginx-values.yaml');
    expect(parse(file!.content)).toEqual(ingressController(config).values(config, {}));
    expect(file!.content).toContain('oci-load-balancer-subnet1');
  });

  it('derives the check URL from publicUrl, host or address', () => {
    expect(publicBaseUrl('http://127.0.0.1:8080/', '203.0.113.5')).toBe('http://127.0.0.1:8080');
    expect(publicBaseUrl(undefined, '203.0.113.5')).toBe('http://203.0.113.5');
    expect(publicBaseUrl(undefined, '2001:db8::1')).toBe('http://[2001:db8::1]');
    expect(publicBaseUrl(undefined, '203.0.113.5', 'todo.example.com', true)).toBe(
      'https://todo.example.com',
    );
  });
});
