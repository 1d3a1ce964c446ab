// A short-lived Job that proves the broker end to end (runbook T081–T084): Strimzi's own Kafka
// image runs the console producer, then a console consumer in a fresh consumer group reads the
// topic from the beginning until it sees the unique message. The Job's exit status is the
// verdict; its log is what the phase shows when it fails. The phase deletes the Job afterwards;
// ttlSecondsAfterFinished only cleans up if the CLI was interrupted before it could.
//
// The same Job in `consume` mode (no producer) checks that a message published elsewhere — by
// the backend's Dapr sidecar — arrived on the topic.
import { randomUUID } from 'node:crypto';
import type { Config } from '../../config/schema.js';
import type { KubeObject } from '../../kube/types.js';
import { MANAGED_LABELS, bootstrapService, kafkaImage, PLAIN_PORT } from './names.js';

export const ROUNDTRIP_LABEL = 'todo-infra/probe';

export interface RoundTripSpec {
  /** Unique per run, part of the Job name (DNS label). */
  id: string;
  topic: string;
  /** What to look for; also what is produced in `roundtrip` mode. */
  message: string;
  mode: 'roundtrip' | 'consume';
  /** How long the consumer waits for a new record before giving up (ms). */
  consumeTimeoutMs?: number;
}

export function newRoundTrip(topic: string): RoundTripSpec {
  const id = randomUUID().slice(0, 8);
  return { id, topic, message: `todo-infra-roundtrip-${id}-${Date.now()}`, mode: 'roundtrip' };
}

export function roundTripJobName(spec: RoundTripSpec): string {
  return `kafka-${spec.mode === 'roundtrip' ? 'roundtrip' : 'probe'}-${spec.id}`;
}

// bash, not sh: the image's scripts need it anyway. The consumer's idle timeout ends it when the
// topic has nothing more; grep -m1 stops reading at the first exact match.
const SCRIPT = `set -eu
KAFKA=/opt/kafka/bin
if [ "$MODE" = roundtrip ]; then
  echo "producing one record to $TOPIC via $BOOTSTRAP"
  printf '%s\\n' "$MESSAGE" | "$KAFKA/kafka-console-producer.sh" \\
    --bootstrap-server "$BOOTSTRAP" --topic "$TOPIC"
fi
echo "consuming $TOPIC from the beginning in group $GROUP"
if "$KAFKA/kafka-console-consumer.sh" --bootstrap-server "$BOOTSTRAP" --topic "$TOPIC" \\
    --group "$GROUP" --from-beginning --timeout-ms "$CONSUME_TIMEOUT_MS" 2>/tmp/consumer.err \\
    | grep -m1 -F -- "$MESSAGE" >/dev/null; then
  echo "found the test record on $TOPIC"
else
  echo "the test record did not arrive on $TOPIC; consumer output:" >&2
  tail -n 20 /tmp/consumer.err >&2 || true
  exit 1
fi
`;

export function roundTripJob(config: Config, spec: RoundTripSpec): KubeObject {
  const name = roundTripJobName(spec);
  const labels = { ...MANAGED_LABELS, [ROUNDTRIP_LABEL]: name };
  const env = {
    MODE: spec.mode,
    BOOTSTRAP: `${bootstrapService(config)}:${PLAIN_PORT}`,
    TOPIC: spec.topic,
    MESSAGE: spec.message,
    GROUP: `todo-infra-probe-${spec.id}`,
    CONSUME_TIMEOUT_MS: String(spec.consumeTimeoutMs ?? 20_000),
    // The console tools default to a 256 MB heap; the container limit below leaves headroom.
    KAFKA_HEAP_OPTS: '-Xms64m -Xmx192m',
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: config.kafka.namespace, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: 180,
      ttlSecondsAfterFinished: 600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'kafka-client',
              image: kafkaImage(config),
              command: ['/bin/bash', '-c', SCRIPT],
              env: Object.entries(env).map(([n, value]) => ({ name: n, value })),
              // Fits what the kafka namespace's quota leaves next to the cluster's pods.
              resources: {
                requests: { cpu: '25m', memory: '256Mi' },
                limits: { cpu: '200m', memory: '320Mi' },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  };
}
