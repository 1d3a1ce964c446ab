{{/*
Labels shared by every object of the chart. They are the labels `todo-infra phase apps` puts on
the same objects, so the network policies and audits that select app.kubernetes.io/part-of=todo
treat both the same way. Only managed-by differs: here Helm owns the objects, and says so.
Call with (dict "component" NAME "root" $).
*/}}
{{- define "todo-app.labels" -}}
app.kubernetes.io/part-of: todo
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
The label a component's Service and Deployment select pods by. Deliberately one stable key:
a Deployment's selector cannot change after creation, so nothing versioned belongs in it.
*/}}
{{- define "todo-app.selectorLabels" -}}
app.kubernetes.io/name: {{ . | quote }}
{{- end }}

{{/*
An image reference from {repository, tag, digest}: a digest pins the image and wins over a tag.
*/}}
{{- define "todo-app.image" -}}
{{- if .digest -}}
{{ .repository }}@{{ .digest }}
{{- else if .tag -}}
{{ .repository }}:{{ .tag }}
{{- else -}}
{{ .repository }}
{{- end -}}
{{- end }}

{{/*
Pod annotations that ask Dapr's sidecar injector for a daprd container. The injector reads them
only when a pod is created, so a change here takes effect through the rollout Helm triggers.
Call with (dict "appId" ID "port" PORT "dapr" .Values.dapr).
*/}}
{{- define "todo-app.daprAnnotations" -}}
dapr.io/enabled: "true"
dapr.io/app-id: {{ .appId | quote }}
dapr.io/app-port: {{ .port | quote }}
dapr.io/config: {{ .dapr.config | quote }}
dapr.io/log-as-json: {{ .dapr.logAsJson | quote }}
dapr.io/sidecar-cpu-request: {{ .dapr.sidecar.requests.cpu | quote }}
dapr.io/sidecar-cpu-limit: {{ .dapr.sidecar.limits.cpu | quote }}
dapr.io/sidecar-memory-request: {{ .dapr.sidecar.requests.memory | quote }}
dapr.io/sidecar-memory-limit: {{ .dapr.sidecar.limits.memory | quote }}
{{- /* Restricted Pod Security wants a seccomp profile on daprd too; the injector adds one only on request. */}}
dapr.io/sidecar-seccomp-profile-type: RuntimeDefault
{{- end }}

{{/*
The components this chart deploys from their own values keys. The event workers are listed
under .Values.workers instead, because their number and names come from the config.
*/}}
{{- define "todo-app.components" -}}
frontend backend
{{- end }}

{{/*
Rollout settings every Deployment of the chart shares: at most one extra pod during a rollout
and none missing, because the namespace quota the base phase sets leaves room for exactly one
surge pod.
*/}}
{{- define "todo-app.rollout" -}}
revisionHistoryLimit: 3
strategy:
  type: RollingUpdate
  rollingUpdate:
    maxSurge: 1
    maxUnavailable: 0
{{- end }}

{{/*
Pod settings shared by the frontend, the backend and every worker, as `phase apps` and `phase
workers` build them from one definition of an app pod: no API token (the apps never call the
Kubernetes API; daprd gets a projected token of its own), arm64 nodes, the optional pull
secret, the restricted pod security context (uid 10001 as the CLI uses; any non-zero uid
satisfies runAsNonRoot) and the /tmp volume a read-only root filesystem needs.
Call with the root context.
*/}}
{{- define "todo-app.podDefaults" -}}
automountServiceAccountToken: false
nodeSelector:
  kubernetes.io/arch: {{ .Values.nodeArch }}
{{- with .Values.imagePullSecret }}
imagePullSecrets:
  - name: {{ . }}
{{- end }}
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  runAsGroup: 10001
  fsGroup: 10001
  seccompProfile:
    type: RuntimeDefault
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: 64Mi
{{- end }}

{{/*
The app container's probes (on the port named http), hardened security context and /tmp mount,
the same for every component and worker.
*/}}
{{- define "todo-app.containerDefaults" -}}
livenessProbe:
  httpGet:
    path: /health
    port: http
  initialDelaySeconds: 30
  periodSeconds: 10
readinessProbe:
  httpGet:
    path: /ready
    port: http
  initialDelaySeconds: 5
  periodSeconds: 5
securityContext:
  runAsNonRoot: true
  readOnlyRootFilesystem: true
  allowPrivilegeEscalation: false
  capabilities:
    drop:
      - ALL
  seccompProfile:
    type: RuntimeDefault
volumeMounts:
  - name: tmp
    mountPath: /tmp
{{- end }}
