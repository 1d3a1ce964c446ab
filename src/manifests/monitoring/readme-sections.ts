// Sections of the rendered monitoring README: health probes (T141–T144, T152–T153) and
// structured logging with OCI Logging (T147–T149). Kept apart from render.ts so each file
// stays readable; the wording is about this platform's names and namespaces, from the config.
import type { Config } from '../../config/schema.js';
import { PROBE_RULES } from './probes.js';

export function probeSection(config: Config): string[] {
  const ns = config.apps.namespace;
  const [live, ready] = PROBE_RULES;
  return [
    '## Health probes (T141–T144)',
    '',
    'Every Deployment in the app namespace gives each container:',
    '',
    '| probe | path | initial delay | period |',
    '|---|---|---|---|',
    ...PROBE_RULES.map((r) =>
      `| ${r.kind} | \`${r.path}\` | ${r.initialDelaySeconds} s | ${r.periodSeconds} s |`),
    '',
    `\`${live?.path}\` answers while the process can serve at all (a failure restarts the`,
    `container); \`${ready?.path}\` answers once dependencies (database, Dapr sidecar) are`,
    'reachable (a failure only takes the pod out of its Service). The monitoring checkpoint',
    'reads the applied Deployments and names any container that deviates. By hand:',
    '',
    '```sh',
    `kubectl get deploy -n ${ns} -o custom-columns='NAME:.metadata.name,` +
      `LIVE:.spec.template.spec.containers[*].livenessProbe.httpGet.path,` +
      `READY:.spec.template.spec.containers[*].readinessProbe.httpGet.path'`,
    '```',
    '',
    '### Liveness failure and restart (T152–T153)',
    '',
    '`kubectl exec … kill 1` does not test liveness: PID 1 ignores signals it has no handler',
    'for, and an app that exits on SIGTERM is restarted because it exited, not because a probe',
    'failed. To see the liveness probe at work, point it at a path that fails, watch the',
    'restarts, then restore the Deployment:',
    '',
    '```sh',
    `kubectl -n ${ns} patch deployment backend --type=json -p '[{"op":"replace",` +
      `"path":"/spec/template/spec/containers/0/livenessProbe/httpGet/path",` +
      `"value":"/health-broken"}]'`,
    `kubectl -n ${ns} get pods -l app.kubernetes.io/name=backend -w   # RESTARTS climbs`,
    `kubectl -n ${ns} describe pod -l app.kubernetes.io/name=backend | grep -i liveness`,
    'todo-infra phase apps --force    # puts the probe back',
    '```',
    '',
    'The first restart comes after the initial delay plus three failed checks (30 s + 3 × 10 s).',
    '',
  ];
}

export function loggingSection(config: Config): string[] {
  const ns = config.apps.namespace;
  return [
    '## Structured logs (T147, T149)',
    '',
    'Each service writes one JSON object per line to stdout — no files, no multi-line output',
    '(stack traces go in a field). Required fields:',
    '',
    '| field | content |',
    '|---|---|',
    '| `timestamp` | ISO 8601 in UTC, e.g. `2026-01-31T12:00:00.123Z` |',
    '| `level` | `debug`, `info`, `warn` or `error` |',
    '| `service` | `frontend`, `backend` or the worker\'s Dapr app id |',
    '| `message` | what happened, without secrets or personal data |',
    '| `correlation_id` | the request\'s id, carried across every hop |',
    '',
    'The correlation id comes from the incoming `X-Correlation-ID` header, or is created at',
    'the first service that sees the request; the backend copies it into the events it',
    'publishes through Dapr, and each worker logs it with everything it does for that event.',
    `Dapr's sidecars log JSON too (dapr.io/log-as-json: ${config.dapr.logAsJson}).`,
    '',
    '```json',
    '{"timestamp":"2026-01-31T12:00:00.123Z","level":"info","service":"backend",' +
      '"message":"task created","correlation_id":"7f9c2ba4e88f827d","task_id":42}',
    '```',
    '',
    'Check (T149) — lines without a correlation id, then one request across all services:',
    '',
    '```sh',
    `kubectl logs -n ${ns} deploy/backend -c backend --since=10m | ` +
      `jq -c 'select(.correlation_id == null)'`,
    `kubectl logs -n ${ns} -l app.kubernetes.io/part-of=todo --all-containers --prefix ` +
      `--since=10m | grep '"correlation_id":"<id>"'`,
    '```',
    '',
    '## OCI Logging (T148)',
    '',
    'The Always Free tier includes 10 GB of log ingestion a month. To ship the container logs',
    'from the worker nodes:',
    '',
    '1. Logging → Log groups: create a log group (e.g. `todo`) in the cluster\'s compartment,',
    '   and in it a custom log (e.g. `containers`).',
    '2. Identity → Dynamic groups: a group matching the worker instances, e.g.',
    '   `ALL {instance.compartment.id = \'<compartment OCID>\'}`.',
    '3. Policy: `Allow dynamic-group <group> to use log-content in compartment <compartment>`.',
    '4. On the node pool\'s instances, enable the Oracle Cloud Agent plugin "Custom Logs',
    '   Monitoring" (the Unified Monitoring Agent).',
    '5. Logging → Agent configurations: create one for the dynamic group with input path',
    '   `/var/log/containers/*.log` and the custom log as destination. The files are in the',
    '   container runtime\'s format (`<time> <stdout|stderr> <F|P> <line>`): choose the CRI',
    '   parser if the console offers it, otherwise a regular-expression parser such as',
    '   `^(?<time>[^ ]+) (?<stream>stdout|stderr) (?<logtag>[^ ]*) (?<message>.*)$`;',
    '   the app\'s JSON object is then the `message`.',
    '6. Logging → Search: select the custom log and filter on a correlation id to follow one',
    '   request through frontend, backend and workers.',
    '',
  ];
}
