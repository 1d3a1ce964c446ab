// kwok configuration for the local control plane: which lifecycle kwok plays for fake nodes
// and the pods bound to them.
//
// kwok does nothing without Stage definitions. These stages are this project's own, kept to
// the lifecycle the product's tests need:
//   node-ready      a fake node reports Ready (and no pressure) once kwok sees it;
//   node-heartbeat  Ready nodes refresh lastHeartbeatTime (kwok also renews node Leases);
//   pod-running     a pod bound to a fake node starts: init containers complete, sidecars and
//                   containers run, Ready unless the pod has readiness gates (a kubelet never
//                   sets those itself, so such pods stay un-Ready until someone else does);
//   job-pod-done    a running pod owned by a Job exits 0 shortly after starting;
//   pod-removed     a pod being deleted is removed, as a kubelet confirms termination.
// Templates are Go templates rendered by kwok into a strategic-merge patch of .status.
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { stringify } from 'yaml';

/** Annotation that makes kwok manage a node (passed to --manage-nodes-with-annotation-selector). */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
export const KWOK_NODE_ANNOTATION_VALUE = 'fake';

const readyConditionsTemplate = `{{ $now := Now }}
conditions:
- type: Ready
  status: "True"
  reason: KubeletReady
  message: kwok plays the kubelet of this fake node
  lastHeartbeatTime: {{ $now | Quote }}
  lastTransitionTime: {{ $now | Quote }}
{{ range (list "MemoryPressure" "DiskPressure" "PIDPressure" "NetworkUnavailable") }}
- type: {{ . }}
  status: "False"
  reason: FakeNodeHealthy
  message: fake node never reports {{ . }}
  lastHeartbeatTime: {{ $now | Quote }}
  lastTransitionTime: {{ $now | Quote }}
{{ end }}
phase: Running
`;

const heartbeatTemplate = `{{ $now := Now }}
conditions:
{{ range .status.conditions }}
- type: {{ .type | Quote }}
  status: {{ .status | Quote }}
  reason: {{ .reason | Quote }}
  message: {{ .message | Quote }}
  lastTransitionTime: {{ .lastTransitionTime | Quote }}
  lastHeartbeatTime: {{ $now | Quote }}
{{ end }}
`;

const podRunningTemplate = `{{ $now := Now }}
{{ $ready := "True" }}{{ if .spec.readinessGates }}{{ $ready = "False" }}{{ end }}
phase: Running
startTime: {{ $now | Quote }}
conditions:
- { type: PodReadyToStartContainers, status: "True", lastTransitionTime: {{ $now | Quote }} }
- { type: Initialized, status: "True", lastTransitionTime: {{ $now | Quote }} }
- { type: ContainersReady, status: "True", lastTransitionTime: {{ $now | Quote }} }
- { type: Ready, status: {{ $ready | Quote }}, lastTransitionTime: {{ $now | Quote }} }
containerStatuses:
{{ range .spec.containers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  ready: true
  started: true
  restartCount: 0
  state: { running: { startedAt: {{ $now | Quote }} } }
{{ end }}
{{ with .spec.initContainers }}
initContainerStatuses:
{{ range . }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  restartCount: 0
{{ if eq (or .restartPolicy "") "Always" }}
  ready: true
  started: true
  state: { running: { startedAt: {{ $now | Quote }} } }
{{ else }}
  ready: true
  state: { terminated: { exitCode: 0, reason: Completed, startedAt: {{ $now | Quote }},
    finishedAt: {{ $now | Quote }} } }
{{ end }}
{{ end }}
{{ end }}
{{ with NodeIPWith .spec.nodeName }}
hostIP: {{ . | Quote }}
hostIPs: [ { ip: {{ . | Quote }} } ]
{{ end }}
{{ $ip := PodIPWith .spec.nodeName (or .spec.hostNetwork false) (or .metadata.uid "")
  (or .metadata.name "") (or .metadata.namespace "") }}
podIP: {{ $ip | Quote }}
podIPs: [ { ip: {{ $ip | Quote }} } ]
`;

const jobPodDoneTemplate = `{{ $now := Now }}
phase: Succeeded
conditions:
- { type: Ready, status: "False", reason: PodCompleted, lastTransitionTime: {{ $now | Quote }} }
- { type: ContainersReady, status: "False", reason: PodCompleted,
    lastTransitionTime: {{ $now | Quote }} }
containerStatuses:
{{ range .spec.containers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  ready: false
  started: false
  restartCount: 0
  state: { terminated: { exitCode: 0, reason: Completed, startedAt: {{ $now | Quote }},
    finishedAt: {{ $now | Quote }} } }
{{ end }}
`;

type Expr = { key: string; operator: string; values?: string[] };

function stage(
  name: string,
  kind: 'Node' | 'Pod',
  match: Expr[],
  next: object,
  delayMs?: { base: number; jitter?: number },
): object {
  const delay =
    delayMs === undefined
      ? undefined
      : { durationMilliseconds: delayMs.base, jitterDurationMilliseconds: delayMs.jitter };
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name },
    spec: {
      resourceRef: { apiGroup: 'v1', kind },
      selector: { matchExpressions: match },
      ...(delay ? { delay } : {}),
      next,
    },
  };
}

const READY = '.status.conditions.[] | select( .type == "Ready" ) | .status';
const notDeleting: Expr = { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' };

/**
 * The multi-document kwok config file: Stages only. No KwokConfiguration document on purpose:
 * one read from a file is not defaulted (unset parallelism options become 0 and kwok refuses to
 * start), while the built-in one already renews node Leases every 40 s, which is what the
 * node-lifecycle controller watches for liveness.
 */
export function kwokConfigYaml(): string {
  const docs: object[] = [
    stage('node-ready', 'Node', [{ key: READY, operator: 'NotIn', values: ['True'] }], {
      statusTemplate: readyConditionsTemplate,
    }),
    stage(
      'node-heartbeat',
      'Node',
      [{ key: READY, operator: 'In', values: ['True'] }],
      { statusTemplate: heartbeatTemplate },
      { base: 20_000, jitter: 25_000 },
    ),
    stage(
      'pod-running',
      'Pod',
      [notDeleting, { key: '.status.phase', operator: 'In', values: ['Pending'] }],
      { statusTemplate: podRunningTemplate },
    ),
    stage(
      'job-pod-done',
      'Pod',
      [
        notDeleting,
        { key: '.status.phase', operator: 'In', values: ['Running'] },
        { key: '.metadata.ownerReferences.[].kind', operator: 'In', values: ['Job'] },
      ],
      { statusTemplate: jobPodDoneTemplate },
      { base: 1000 },
    ),
    stage('pod-removed', 'Pod', [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }], {
      delete: true,
    }),
  ];
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}
