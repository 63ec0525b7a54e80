{{/*
What the code says about each process, not a setting: its image stage, which services it calls (the
*_URL settings of its config.ts), which dependencies it uses, which keys of the Secret it reads (env
name: Secret key) and which egress beyond the cluster it needs. The NetworkPolicies are derived from
`calls`: a service accepts traffic from the services whose `calls` name it, and from nothing else
(plus the gateway's public port, payment's webhooks and metrics scrapers, each by value).
*/}}
{{- define "shop.catalog" -}}
gateway:
  calls: [product, cart, order, payment, invoice]
  mongodb: true
  nats: false
  redis: true
  secrets: { SIGNING_KEY: GATEWAY_SIGNING_KEY, PDF_LINK_SECRET: PDF_LINK_SECRET, MONGODB_URL: MONGODB_URL, REDIS_URL: REDIS_URL }
  external: [identityProvider]
product:
  calls: []
  mongodb: true
  nats: true
  secrets: { SIGNER_KEYS: SIGNER_KEYS, MONGODB_URL: MONGODB_URL }
  external: []
cart:
  calls: [product]
  mongodb: true
  nats: true
  secrets: { SIGNING_KEY: CART_SIGNING_KEY, SIGNER_KEYS: SIGNER_KEYS, MONGODB_URL: MONGODB_URL }
  external: []
order:
  calls: [cart, product]
  mongodb: true
  nats: true
  secrets: { SIGNING_KEY: ORDER_SIGNING_KEY, SIGNER_KEYS: SIGNER_KEYS, MONGODB_URL: MONGODB_URL }
  external: []
payment:
  calls: [order, product]
  mongodb: true
  nats: true
  secrets:
    SIGNING_KEY: PAYMENT_SIGNING_KEY
    SIGNER_KEYS: SIGNER_KEYS
    MONGODB_URL: MONGODB_URL
    PSP_API_KEY: PSP_API_KEY
    PSP_WEBHOOK_SECRET: PSP_WEBHOOK_SECRET
  external: [psp]
invoice:
  calls: [order]
  mongodb: true
  nats: true
  secrets: { SIGNING_KEY: INVOICE_SIGNING_KEY, SIGNER_KEYS: SIGNER_KEYS, MONGODB_URL: MONGODB_URL, PDF_LINK_SECRET: PDF_LINK_SECRET }
  external: []
messaging:
  calls: [order, invoice]
  mongodb: true
  nats: true
  secrets: { SIGNING_KEY: MESSAGING_SIGNING_KEY, MONGODB_URL: MONGODB_URL, SMS_API_KEY: SMS_API_KEY, SMTP_URL: SMTP_URL }
  external: [sms, smtp]
invoice-renderer:
  calls: [invoice]
  mongodb: false
  nats: true
  secrets: { SIGNING_KEY: INVOICE_RENDERER_SIGNING_KEY }
  external: []
{{- end -}}

{{/* Every key the Secret holds: the union of the catalog's, in a fixed order. */}}
{{- define "shop.secretKeys" -}}
- GATEWAY_SIGNING_KEY
- CART_SIGNING_KEY
- ORDER_SIGNING_KEY
- PAYMENT_SIGNING_KEY
- INVOICE_SIGNING_KEY
- INVOICE_RENDERER_SIGNING_KEY
- MESSAGING_SIGNING_KEY
- SIGNER_KEYS
- PDF_LINK_SECRET
- PSP_API_KEY
- PSP_WEBHOOK_SECRET
- SMS_API_KEY
- MONGODB_URL
- REDIS_URL
- SMTP_URL
{{- end -}}

{{- define "shop.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* The name of one service's objects: <release>-<service>. */}}
{{- define "shop.name" -}}
{{- printf "%s-%s" (include "shop.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "shop.secretName" -}}
{{- default (printf "%s-secrets" (include "shop.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "shop.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "shop.labels" -}}
{{ include "shop.selectorLabels" . }}
app.kubernetes.io/part-of: shop-supergraph
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/*
The pinned image of one service: <registry>/<name>:<exact tag>[@<digest>]. A floating tag fails the
render; with images.requireDigest every service must name its digest.
*/}}
{{- define "shop.image" -}}
{{- $images := .root.Values.images -}}
{{- $tag := default .root.Chart.AppVersion $images.tag | toString -}}
{{- if not (regexMatch "^v?[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.-]+)?$" $tag) -}}
{{- fail (printf "images.tag %q is not an exact version (x.y.z): images are pinned, never a floating tag" $tag) -}}
{{- end -}}
{{- $digest := (.svc.image | default dict).digest | default "" -}}
{{- if and $images.requireDigest (not $digest) -}}
{{- fail (printf "services.%s.image.digest is required (images.requireDigest): the sha256 digest of %s/%s:%s" .name $images.registry .name $tag) -}}
{{- end -}}
{{- if and $digest (not (regexMatch "^sha256:[0-9a-f]{64}$" $digest)) -}}
{{- fail (printf "services.%s.image.digest %q is not a sha256:<64 hex> digest" .name $digest) -}}
{{- end -}}
{{- printf "%s/%s:%s" $images.registry .name $tag -}}{{- if $digest -}}@{{ $digest }}{{- end -}}
{{- end -}}

{{/* A NetworkPolicy peer: pods with these labels, in namespaces with these labels ({} = this namespace). */}}
{{- define "shop.peer" -}}
- podSelector:
    matchLabels: {{- toYaml .podLabels | nindent 6 }}
  {{- if .namespaceLabels }}
  namespaceSelector:
    matchLabels: {{- toYaml .namespaceLabels | nindent 6 }}
  {{- end }}
{{- end -}}
