/**
 * A generated Helm-sized chart for the render benchmark: helper defines, then a few dozen resource
 * sections (a few thousand template lines) that range over a few hundred services with nested
 * if/with, template calls and the sprig functions charts use most. Deterministic: the same
 * arguments always give the same template and values.
 */
import { Rng } from './rng.js';

export interface Chart {
  template: string;
  data: unknown;
}

const HELPERS = `{{- define "chart.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- define "chart.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- define "chart.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- define "svc.selector" -}}
{app.kubernetes.io/name: {{ .svc.name | lower | quote }}, app.kubernetes.io/instance: {{ .root.Release.Name | quote }}}
{{- end -}}
{{- define "svc.image" -}}
{{- $tag := default .root.Chart.AppVersion .svc.image.tag -}}
{{- printf "%s/%s:%s" .root.Values.global.registry .svc.image.repository $tag -}}
{{- end -}}
`;

/** One resource section; `k` varies names and the mix of constructs between sections. */
function section(k: number): string {
  const kind = ['Deployment', 'StatefulSet', 'Service', 'ConfigMap', 'Secret', 'Ingress'][k % 6];
  const lines: string[] = [];
  lines.push(`{{- /* section ${k}: ${kind} for every enabled service */ -}}`);
  lines.push(`{{- range $i, $svc := .Values.services }}`);
  lines.push(`{{- if and $svc.enabled (or (eq (mod $i 6) ${k % 6}) (hasKey $svc "always")) }}`);
  lines.push(`{{- $ctx := dict "root" $ "svc" $svc }}`);
  lines.push('---');
  lines.push(`# section ${k}, item {{ $i }}`);
  lines.push(
    `apiVersion: ${kind === 'Ingress' ? 'networking.k8s.io/v1' : kind === 'Deployment' || kind === 'StatefulSet' ? 'apps/v1' : 'v1'}`,
  );
  lines.push(`kind: ${kind}`);
  lines.push('metadata:');
  // Helm would call include "chart.fullname"; plain sprig has only template, which cannot be piped.
  lines.push(
    `  name: {{ printf "%s-%s-%s-${k}" $.Release.Name $.Chart.Name $svc.name | trunc 63 | trimSuffix "-" }}`,
  );
  lines.push('  fullname: {{ template "chart.fullname" $ }}');
  lines.push('  namespace: {{ $.Release.Namespace | default "default" | quote }}');
  lines.push('  labels:');
  lines.push('    helm.sh/chart: {{ template "chart.chart" $ }}');
  lines.push('    app.kubernetes.io/managed-by: {{ $.Release.Service | quote }}');
  lines.push('    app.kubernetes.io/version: {{ $.Chart.AppVersion | quote }}');
  lines.push('    {{- range $k, $v := $svc.labels }}');
  lines.push('    {{ $k }}: {{ $v | toString | quote }}');
  lines.push('    {{- end }}');
  lines.push('  {{- with $svc.annotations }}');
  lines.push('  annotations:');
  lines.push('    {{- range $k, $v := . }}');
  lines.push('    {{ $k }}: {{ $v | quote }}');
  lines.push('    {{- end }}');
  lines.push('  {{- end }}');
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
      lines.push('spec:');
      lines.push('  replicas: {{ default 1 $svc.replicas }}');
      lines.push('  selector:');
      lines.push('    matchLabels: {{ template "svc.selector" $ctx }}');
      lines.push('  template:');
      lines.push('    metadata:');
      lines.push('      annotations:');
      lines.push('        checksum/config: {{ $svc.env | toJson | sha256sum | trunc 16 }}');
      lines.push('    spec:');
      lines.push('      containers:');
      lines.push('        - name: {{ $svc.name | upper | replace "-" "_" | lower }}');
      lines.push('          image: {{ template "svc.image" $ctx }}');
      lines.push('          imagePullPolicy: {{ $svc.image.pullPolicy | default "IfNotPresent" }}');
      lines.push('          {{- if $svc.command }}');
      lines.push('          command: {{ toJson $svc.command }}');
      lines.push('          {{- end }}');
      lines.push('          ports:');
      lines.push('            {{- range $svc.ports }}');
      lines.push('            - name: {{ .name | default "http" }}');
      lines.push('              containerPort: {{ .port }}');
      lines.push('              protocol: {{ .protocol | default "TCP" | upper }}');
      lines.push('            {{- end }}');
      lines.push('          env:');
      lines.push('            {{- range $k, $v := $svc.env }}');
      lines.push('            - name: {{ $k | upper | replace "." "_" }}');
      lines.push('              value: {{ $v | toString | quote }}');
      lines.push('            {{- end }}');
      lines.push('          {{- with $svc.resources }}');
      lines.push('          resources:');
      lines.push('            {{- toJson . | nindent 12 }}');
      lines.push('          {{- end }}');
      lines.push('          {{- if hasKey $svc "probe" }}');
      lines.push('          livenessProbe:');
      lines.push('            httpGet:');
      lines.push('              path: {{ $svc.probe.path | default "/healthz" }}');
      lines.push('              port: {{ (first $svc.ports).port }}');
      lines.push('          {{- end }}');
      break;
    case 'Service':
      lines.push('spec:');
      lines.push('  type: {{ $svc.serviceType | default "ClusterIP" }}');
      lines.push('  ports:');
      lines.push('  {{- range $j, $p := $svc.ports }}');
      lines.push('    - port: {{ $p.port }}');
      lines.push('      targetPort: {{ $p.name | default (printf "port-%d" $j) }}');
      lines.push('  {{- end }}');
      lines.push('  selector: {{ dict "app" $svc.name | toJson }}');
      break;
    case 'ConfigMap':
      lines.push('data:');
      lines.push('  {{- range $k, $v := $svc.env }}');
      lines.push('  {{ $k }}: {{ $v | toString | quote }}');
      lines.push('  {{- end }}');
      lines.push('  tags: {{ join "," $svc.tags | quote }}');
      lines.push('  summary: |');
      lines.push(
        '    {{- printf "%s runs %v replicas on ports %v" $svc.name (default 1 $svc.replicas) (len $svc.ports) | indent 4 | nindent 4 }}',
      );
      lines.push('  list: {{ list $svc.name $i (len $svc.tags) | toJson | quote }}');
      break;
    case 'Secret':
      lines.push('type: Opaque');
      lines.push('data:');
      lines.push('  {{- range $k, $v := $svc.env }}');
      lines.push('  {{ $k }}: {{ $v | toString | b64enc | quote }}');
      lines.push('  {{- end }}');
      lines.push('  token: {{ printf "%s:%d" $svc.name $i | sha256sum | b64enc | trunc 40 | quote }}');
      break;
    default:
      lines.push('spec:');
      lines.push('  rules:');
      lines.push('    {{- range $svc.hosts }}');
      lines.push('    - host: {{ . | lower | quote }}');
      lines.push('      http:');
      lines.push('        paths:');
      lines.push('          - path: {{ printf "/%s" $svc.name | replace "//" "/" }}');
      lines.push('            pathType: {{ ternary "Prefix" "Exact" (hasKey $svc "prefix") }}');
      lines.push('    {{- else }}');
      lines.push('    - host: {{ printf "%s.%s" $svc.name $.Values.global.domain | quote }}');
      lines.push('    {{- end }}');
  }
  lines.push('{{- end }}');
  lines.push('{{- end }}');
  return lines.join('\n');
}

/** Makes the chart: `sections` resource sections over `services` services. */
export function generateChart(sections = 40, services = 240, seed = 42): Chart {
  const rng = new Rng(seed);
  const body = Array.from({ length: sections }, (_, k) => section(k)).join('\n');
  const template = `${HELPERS}${body}\n`;
  const word = (): string =>
    rng.pick(['alpha', 'beta', 'gamma', 'delta', 'web', 'api', 'db', 'cache', 'queue']);
  const svcs = Array.from({ length: services }, (_, i) => {
    const svc: Record<string, unknown> = {
      name: `${word()}-${i}`,
      enabled: rng.chance(0.9),
      replicas: rng.chance(0.7) ? rng.range(1, 5) : null,
      image: {
        repository: `team/${word()}`,
        tag: rng.chance(0.5) ? `1.${rng.range(0, 20)}.${rng.range(0, 9)}` : '',
      },
      ports: Array.from({ length: rng.range(1, 3) }, (_, j) => ({
        name: rng.chance(0.6) ? `p${j}` : '',
        port: 8000 + rng.range(0, 999),
        protocol: rng.pick(['tcp', 'udp', '']),
      })),
      env: Object.fromEntries(
        Array.from({ length: rng.range(0, 6) }, (_, j) => [
          `${word()}.var${j}`,
          rng.pick(['on', 'off', 42, 3.5, true, 'a "quoted" value', 'x\ny']),
        ]),
      ),
      labels: Object.fromEntries(Array.from({ length: rng.range(0, 3) }, (_, j) => [`team${j}`, word()])),
      tags: Array.from({ length: rng.range(0, 4) }, word),
      hosts: Array.from({ length: rng.range(0, 2) }, () => `${word()}.Example.COM`),
    };
    if (rng.chance(0.4)) svc.annotations = { 'prometheus.io/scrape': 'true', owner: word() };
    if (rng.chance(0.3))
      svc.resources = { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m' } };
    if (rng.chance(0.5)) svc.probe = rng.chance(0.5) ? { path: `/${word()}` } : {};
    if (rng.chance(0.2)) svc.command = ['run', '--port', String(8000 + i)];
    if (rng.chance(0.1)) svc.always = true;
    if (rng.chance(0.3)) svc.prefix = true;
    if (rng.chance(0.3)) svc.serviceType = 'NodePort';
    return svc;
  });
  const data = {
    Release: { Name: 'bench', Namespace: 'prod', Service: 'Helm' },
    Chart: { Name: 'bench-chart', Version: '1.2.3+build', AppVersion: '4.5.6' },
    Values: {
      nameOverride: '',
      fullnameOverride: '',
      global: { registry: 'registry.example.com', domain: 'svc.local' },
      services: svcs,
    },
  };
  return { template, data };
}
