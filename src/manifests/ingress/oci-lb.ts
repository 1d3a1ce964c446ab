// OCI load balancer annotations for the controller's Service, read by OKE's cloud controller
// manager (names checked against Oracle's "Summary of Annotations for Load Balancers").
//
// Always Free includes one flexible load balancer at 10 Mbps: shape "flexible" with minimum
// and maximum bandwidth both 10 keeps it free. Without a subnet annotation OKE uses the
// cluster's service LB subnets; naming the public subnet from terraform makes the placement
// explicit and survives a cluster created with different defaults.
import type { Config } from '../../config/schema.js';

export const OCI_LB = {
  shape: 'service.beta.kubernetes.io/oci-load-balancer-shape',
  flexMin: 'service.beta.kubernetes.io/oci-load-balancer-shape-flex-min',
  flexMax: 'service.beta.kubernetes.io/oci-load-balancer-shape-flex-max',
  subnet1: 'service.beta.kubernetes.io/oci-load-balancer-subnet1',
} as const;

export function ociLbAnnotations(config: Config, lbSubnetId?: string): Record<string, string> {
  const lb = config.ingress.loadBalancer;
  const annotations: Record<string, string> = {
    [OCI_LB.shape]: lb.shape,
    [OCI_LB.flexMin]: String(lb.minMbps),
    [OCI_LB.flexMax]: String(lb.maxMbps),
  };
  if (lbSubnetId) annotations[OCI_LB.subnet1] = lbSubnetId;
  return annotations;
}
