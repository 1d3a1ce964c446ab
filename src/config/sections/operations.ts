// Operations: monitoring hooks, hardening switches, the CI/CD pipeline, secret sources.
import { z } from 'zod';
import { dnsLabel } from './common.js';

export const monitoring = z.strictObject({
  namespace: dnsLabel.default('monitoring'),
  /** OKE does not ship metrics-server; HPAs need it. */
  metricsServer: z.boolean().default(true),
  /** Kafka Exporter exposes consumer lag (Strimzi has no KafkaConsumerGroup resource). */
  kafkaExporter: z.boolean().default(true),
});

export const hardening = z.strictObject({
  networkPolicies: z.boolean().default(true),
  /** Pod Security admission level enforced on the app namespace. */
  podSecurity: z.enum(['restricted', 'baseline']).default('restricted'),
  /** A ServiceAccount per workload with no API access (automountServiceAccountToken: false). */
  serviceAccountPerWorkload: z.boolean().default(true),
  securityHeaders: z.boolean().default(true),
});

const componentCi = z.strictObject({
  /** Directory of the component in the application repository. */
  dir: z.string().min(1),
  lint: z.string().optional(),
  test: z.string().optional(),
  dockerfile: z.string().default('Dockerfile'),
});

export const pipeline = z.strictObject({
  /** Where `phase pipeline` writes .github/workflows/ (the user's application repository). */
  outDir: z.string().default('.'),
  mainBranch: z.string().default('main'),
  components: z
    .strictObject({
      frontend: componentCi.prefault({ dir: 'frontend', lint: 'npm run lint', test: 'npm test' }),
      backend: componentCi.prefault({ dir: 'backend', lint: 'npm run lint', test: 'npm test' }),
      worker: componentCi.prefault({ dir: 'worker', lint: 'npm run lint', test: 'npm test' }),
    })
    .prefault({}),
  /** Trivy fails the build on these severities. */
  failOnSeverity: z
    .array(z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']))
    .default(['HIGH', 'CRITICAL']),
  rolloutTimeout: z
    .string()
    .regex(/^\d+[sm]$/)
    .default('300s'),
  productionEnvironment: z.string().default('production'),
});

/**
 * Where secret values come from. Only *sources* are configured here (an environment variable
 * name or a file path); values are never written to this file, the journal or any log.
 */
const secretSource = z.strictObject({
  fromEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .optional(),
  fromFile: z.string().optional(),
});

export const secrets = z.strictObject({
  /** The PostgreSQL connection string stored in the db-credentials secret. */
  dbConnectionString: secretSource.prefault({ fromEnv: 'TODO_INFRA_DB_CONNECTION_STRING' }),
  /** The OCIR auth token used for the image pull secret. */
  registryToken: secretSource.prefault({ fromEnv: 'TODO_INFRA_REGISTRY_TOKEN' }),
});

export const kube = z.strictObject({
  /** Kubeconfig file; KUBECONFIG or ~/.kube/config when not given (target existing). */
  kubeconfig: z.string().optional(),
  context: z.string().optional(),
  /**
   * Also merge the OKE context into ~/.kube/config (a backup is kept). Off by default: the
   * kubeconfig phase writes its own file under the state dir and never touches yours silently.
   */
  merge: z.boolean().default(false),
});
