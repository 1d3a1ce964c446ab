// HTTPS and response headers on the public Ingress (runbook T167–T170).
//
// Ownership: the apps phase owns the Ingress object (it already sets spec.tls from
// ingress.tls when TLS is on). With one server-side-apply field manager for the whole tool, a
// second phase applying part of the same object would take over, or remove, the fields the
// first applies. So hardening never writes the Ingress: it exports the annotations the apps
// phase adds (securityHeaderAnnotations) and verifies the live object and the TLS Secret.
//
// Security headers without snippets: F5 NGINX Ingress Controller's nginx.org/server-snippets
// and nginx.org/location-snippets only work when the controller runs with -enable-snippets,
// which lets anyone who can edit an Ingress inject raw NGINX configuration (and read the
// controller's TLS keys through it). The first-class annotations need no such switch:
// nginx.org/hsts* adds Strict-Transport-Security on HTTPS responses (NGINX includes the
// preload directive), and nginx.org/server-tokens: "False" drops the NGINX version from the
// Server header and error pages. Headers such as X-Content-Type-Options belong in the apps'
// responses (or, cluster-wide, in the controller ConfigMap's server-snippets key, which only
// the cluster admin can edit); the rendered security README says so.
import { X509Certificate } from 'node:crypto';
import type { Config } from '../../config/schema.js';
import type { KubeObject } from '../../kube/types.js';

/** One year, the usual HSTS lifetime (the controller's default is one month). */
export const HSTS_MAX_AGE = 31_536_000;

export function securityHeaderAnnotations(config: Config): Record<string, string> {
  if (!config.hardening.securityHeaders) return {};
  const out: Record<string, string> = { 'nginx.org/server-tokens': 'False' };
  if (config.ingress.tls.enabled) {
    out['nginx.org/hsts'] = 'True';
    out['nginx.org/hsts-max-age'] = String(HSTS_MAX_AGE);
    // Sub-domains may be served by other systems that are not HTTPS-only.
    out['nginx.org/hsts-include-subdomains'] = 'False';
  }
  return out;
}

/** Annotations the live Ingress lacks or carries with another value. */
export function missingAnnotations(config: Config, ingress: KubeObject | undefined): string[] {
  const live = ingress?.metadata.annotations ?? {};
  return Object.entries(securityHeaderAnnotations(config))
    .filter(([k, v]) => live[k] !== v)
    .map(([k, v]) => `${k}: "${v}"`);
}

export interface TlsState {
  problems: string[];
  notes: string[];
}

/**
 * The TLS Secret (type kubernetes.io/tls, both keys present), its certificate (covers
 * ingress.host, not expired) and the Ingress's spec.tls naming both. The private key is only
 * checked for presence; its value is never decoded.
 */
export function checkTls(
  config: Config,
  secret: KubeObject | undefined,
  ingress: KubeObject | undefined,
  now: Date = new Date(),
): TlsState {
  const { host, tls } = config.ingress;
  const ns = config.apps.namespace;
  const problems: string[] = [];
  const notes: string[] = [];
  const name = `Secret ${ns}/${tls.secretName}`;
  if (!secret) {
    problems.push(
      `${name} does not exist (kubectl create secret tls ${tls.secretName} -n ${ns} ` +
        '--cert=tls.crt --key=tls.key)',
    );
  } else {
    const data = (secret.data ?? {}) as Record<string, string>;
    if (secret.type !== 'kubernetes.io/tls') {
      problems.push(`${name} has type ${String(secret.type)}, not kubernetes.io/tls`);
    }
    if (!data['tls.key']) problems.push(`${name} has no tls.key`);
    if (!data['tls.crt']) {
      problems.push(`${name} has no tls.crt`);
    } else {
      try {
        const cert = new X509Certificate(Buffer.from(data['tls.crt'], 'base64'));
        const until = new Date(cert.validTo);
        if (until.getTime() <= now.getTime()) {
          problems.push(`the certificate in ${name} expired on ${until.toISOString()}`);
        }
        if (host && cert.checkHost(host) === undefined) {
          problems.push(
            `the certificate in ${name} does not cover ${host} ` +
              `(subject ${cert.subject.replace(/\n/g, ', ')})`,
          );
        }
        notes.push(`certificate for ${host ?? 'the Ingress'} valid until ${until.toISOString()}`);
      } catch {
        problems.push(`tls.crt in ${name} is not a PEM certificate`);
      }
    }
  }
  type Tls = { hosts?: string[]; secretName?: string };
  const entries = (ingress?.spec as { tls?: Tls[] } | undefined)?.tls ?? [];
  const covers = entries.some(
    (e) => e.secretName === tls.secretName && (!host || (e.hosts ?? []).includes(host)),
  );
  if (!ingress) problems.push('the app Ingress does not exist (run `todo-infra phase apps`)');
  else if (!covers) {
    problems.push(
      `Ingress ${ns}/${ingress.metadata.name} has no tls entry for ${host ?? '*'} ` +
        `with secret ${tls.secretName}`,
    );
  }
  return { problems, notes };
}
