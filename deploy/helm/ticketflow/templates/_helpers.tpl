{{/* The name of one service's objects: <release>-<service>. */}}
{{- define "ticketflow.fullname" -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ticketflow.selectorLabels" -}}
app.kubernetes.io/name: ticketflow
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "ticketflow.labels" -}}
{{ include "ticketflow.selectorLabels" . }}
app.kubernetes.io/part-of: ticketflow
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "ticketflow.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The environment of one service's container: settings (env prefix <NAME>_) and secrets. */}}
{{- define "ticketflow.env" -}}
{{- $prefix := upper .name -}}
{{- $v := .root.Values -}}
- name: {{ $prefix }}_KAFKA_BOOTSTRAP_SERVERS
  value: {{ $v.kafka.bootstrapServers | quote }}
- name: {{ $prefix }}_HTTP_HOST
  value: "0.0.0.0"
- name: {{ $prefix }}_HTTP_PORT
  value: {{ .svc.port | quote }}
- name: {{ $prefix }}_TOPIC_PREFIX
  value: {{ $v.topicPrefix | quote }}
- name: {{ $prefix }}_IDENTITY_ISSUER
  value: {{ $v.identityIssuer | default (printf "http://%s-identity:%v" .root.Release.Name $v.services.identity.port) | quote }}
{{- if eq .name "identity" }}
- name: IDENTITY_PUBLIC_URL
  value: {{ $v.identityIssuer | default (printf "http://%s-identity:%v" .root.Release.Name $v.services.identity.port) | quote }}
{{- end }}
{{- if eq .name "console" }}
{{- range $called := list "identity" "intake" "routing" "sla" "knowledge" "automation" }}
- name: CONSOLE_{{ upper $called }}_URL
  value: {{ printf "http://%s-%s:%v" $.root.Release.Name $called (index $v.services $called).port | quote }}
{{- end }}
{{- end }}
{{- if .svc.smtpPort }}
- name: {{ $prefix }}_SMTP_GATEWAY_HOST
  value: "0.0.0.0"
- name: {{ $prefix }}_SMTP_GATEWAY_PORT
  value: {{ .svc.smtpPort | quote }}
{{- end }}
- name: OTEL_SERVICE_NAME
  value: {{ .name | quote }}
{{- range $key, $value := $v.commonEnv }}
- name: {{ $key }}
  value: {{ $value | quote }}
{{- end }}
{{- range $key, $value := .svc.env }}
- name: {{ $key }}
  value: {{ $value | quote }}
{{- end }}
{{- range .svc.secretEnv }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ $v.existingSecret }}
      key: {{ . }}
{{- end }}
{{- end -}}
