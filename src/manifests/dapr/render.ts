// Files `render --out DIR` writes for the dapr phase (runbook T085-T098 layout under
// infrastructure/k8s/dapr/). Same objects the phase applies; no secret values (the state store
// refers to the db-credentials Secret by name).
import type { Config } from '../../config/schema.js';
import type { RenderedFile } from '../../engine/phase.js';
import { yamlDocuments, yamlValues } from '../kafka/yaml.js';
import {
  APP_CONFIGURATION,
  appConfiguration,
  DB_SECRET,
  pubsubComponent,
  secretStoreComponent,
  stateStoreComponent,
} from './components.js';
import { resiliency } from './resiliency.js';
import { DAPR_RELEASE, daprValues } from './values.js';

const DIR = 'infrastructure/k8s/dapr';

export function renderDapr(config: Config): RenderedFile[] {
  const d = config.dapr;
  const chart = config.charts.dapr;
  const app = config.apps.namespace;
  const storage =
    d.schedulerStorage.type === 'memory'
      ? [
          'Scheduler storage: in memory. OKE block volumes are at least 50 GB, a quarter of the',
          'Always Free 200 GB, so no PVC is requested; scheduled jobs and actor reminders are',
          'lost when the scheduler restarts. Set dapr.schedulerStorage.type: persistent to keep',
          'them on a volume.',
        ]
      : [
          `Scheduler storage: a ${d.schedulerStorage.size} volume of class ` +
            `${d.schedulerStorage.storageClass} per scheduler replica.`,
        ];
  const valuesHeader = [
    `Dapr control plane: Helm values (runbook T085-T089). HA ${d.ha ? 'on' : 'off'}, scheduler on.`,
    `  helm repo add dapr ${chart.repo ?? '<chart repository>'}`,
    `  helm upgrade --install ${DAPR_RELEASE} dapr/${chart.ref} --version ${chart.version} \\`,
    `    -n ${d.namespace} --create-namespace -f dapr-values.yaml`,
    `  kubectl -n ${d.namespace} get pods`,
    '  (dapr-operator, dapr-sidecar-injector, dapr-sentry, dapr-placement-server-0,',
    '  dapr-scheduler-server-0: all Running)',
    '',
    ...storage,
  ];
  const file = (name: string, about: string[], objects: object[]): RenderedFile => ({
    path: `${DIR}/components/${name}`,
    content: yamlDocuments([...about, `  kubectl apply -n ${app} -f ${name}`], objects),
  });
  return [
    { path: `${DIR}/dapr-values.yaml`, content: yamlValues(valuesHeader, daprValues(config)) },
    file(
      'pubsub-kafka.yaml',
      [
        'Kafka pub/sub (runbook T090-T092); brokers is the Strimzi bootstrap Service.',
        `Registered components: kubectl -n ${app} get components`,
      ],
      [pubsubComponent(config)],
    ),
    file(
      'statestore-postgres.yaml',
      [
        'PostgreSQL state store, component version v2 (runbook T093-T094). The connection',
        `string comes from Secret ${DB_SECRET.name}, key ${DB_SECRET.key}, via the secret store.`,
      ],
      [stateStoreComponent(config)],
    ),
    file(
      'secretstore-k8s.yaml',
      [
        'Kubernetes secret store (runbook T095-T096) and the app Configuration that limits the',
        `secrets API to ${DB_SECRET.name}; apps select it with ` +
          `dapr.io/config: ${APP_CONFIGURATION}.`,
      ],
      [secretStoreComponent(config), appConfiguration(config)],
    ),
    file(
      'resiliency.yaml',
      ['Resiliency: timeouts, retries and a circuit breaker for pub/sub and state (T097-T098).'],
      [resiliency(config)],
    ),
  ];
}
