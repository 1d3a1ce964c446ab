// The broker's Prometheus JMX Exporter rules, referenced by Kafka.spec.kafka.metricsConfig. The
// rules are data, not code: they ship as manifests/kafka/kafka-metrics-config.yaml (read it for
// what they cover and why) and go into the ConfigMap byte for byte, comments included.
import { parse } from 'yaml';
import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import { TodoInfraError } from '../../core/errors.js';
import { readShippedFile } from '../../core/package-files.js';
import type { KubeObject } from '../../kube/types.js';
import { MANAGED_LABELS, metricsConfigMapName } from './names.js';

export const METRICS_CONFIG_KEY = 'kafka-metrics-config.yml';
const SHIPPED = ['manifests', 'kafka', 'kafka-metrics-config.yaml'] as const;

const ruleSchema = z
  .object({
    pattern: z.string().min(1),
    name: z.string().min(1),
    type: z.enum(['GAUGE', 'COUNTER']),
    help: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
  })
  .strict();
const metricsConfigSchema = z.object({
  lowercaseOutputName: z.boolean(),
  rules: z.array(ruleSchema).min(1),
});

export type JmxRule = z.infer<typeof ruleSchema>;

/** The shipped file's text, after checking that the exporter will understand it. */
export function metricsConfigText(): string {
  const text = readShippedFile(...SHIPPED);
  const parsed = metricsConfigSchema.safeParse(parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TodoInfraError(
      'PACKAGE_FILE_INVALID',
      `${SHIPPED.join('/')}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
      {
        source: 'environment',
        hint: 'Reinstall todo-infra, or restore the file from its release if it was edited.',
      },
    );
  }
  return text;
}

export function jmxRules(): JmxRule[] {
  return metricsConfigSchema.parse(parse(metricsConfigText())).rules;
}

export function metricsConfigMap(config: Config): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: metricsConfigMapName(config),
      namespace: config.kafka.namespace,
      labels: { ...MANAGED_LABELS },
    },
    data: { [METRICS_CONFIG_KEY]: metricsConfigText() },
  };
}
