/**
 * Renders the Helm charts of deploy/ with the Helm 4 binary the harness builds (tools/helm) and parses
 * what comes out: the helpers of scripts/src/helm-chart.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { ROOT } from '@shop/harness';
import { freshSecrets } from './fresh-secrets.js';

export const CHART = join(ROOT, 'deploy', 'shop-supergraph');
export const PLATFORM = join(ROOT, 'deploy', 'platform');

/** Every process the chart deploys, and which of them are the gateway and the subgraphs (autoscaled). */
export const SERVICES = ['gateway', 'product', 'cart', 'order', 'payment', 'invoice', 'messaging', 'invoice-renderer'] as const;
export const AUTOSCALED = ['gateway', 'product', 'cart', 'order', 'payment', 'invoice'];

/** A rendered Kubernetes object, loosely typed: the test reads the fields it checks. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any; // shapes differ by kind; the test checks each field it reads
  stringData?: Record<string, string>;
  data?: Record<string, string>;
}

export interface HelmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function helm(bin: string, args: string[]): HelmResult {
  const r = spawnSync(bin, args, {
    cwd: ROOT,
    encoding: 'utf8',
    // No repository index, cache or config of the machine's user: the render uses the chart alone.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HELM_CACHE_HOME: join(ROOT, '.cache', 'helm'),
      HELM_CONFIG_HOME: join(ROOT, '.cache', 'helm'),
    },
    maxBuffer: 64 * 2 ** 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `helm template` output as objects; throws with helm's message when the render fails. */
export function render(bin: string, chart: string, valueFiles: string[], extra: string[] = []): K8sObject[] {
  const r = helm(bin, ['template', 'shop', chart, ...valueFiles.flatMap((f) => ['-f', f]), ...extra]);
  if (r.status !== 0) throw new Error(`helm template failed (${r.status}): ${r.stderr}`);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** The secret values a test installs with: fresh keys (npm run keys) and made-up connection strings. */
export function testSecrets(): Record<string, string> {
  const password = () => randomBytes(18).toString('base64url');
  return {
    ...freshSecrets(),
    MONGODB_URL: `mongodb://shop:${password()}@shop-mongodb-svc:27017/?replicaSet=shop-mongodb&authSource=admin`,
    REDIS_URL: `redis://:${password()}@redis-master:6379`,
    SMTP_URL: `smtps://shop:${password()}@smtp.mail.example.test:465`,
  };
}

/**
 * CIDRs of the documentation ranges (RFC 5737), only ever written into the rendered policies: the
 * test never sends anything anywhere.
 */
export const EGRESS = {
  psp: [{ cidr: '203.0.113.0/24', ports: [443] }],
  sms: [{ cidr: '198.51.100.0/24', ports: [443] }],
  smtp: [{ cidr: '192.0.2.0/25', ports: [465, 587] }],
  identityProvider: [{ cidr: '192.0.2.128/25', ports: [443] }],
};

/** What every install sets (values.yaml's REQUIRED), without the secrets. */
export const REQUIRED_SETTINGS = {
  gateway: { jwksUrl: 'https://idp.example.test/.well-known/jwks.json', jwtAudience: 'shop' },
  publicBaseUrl: 'https://shop.example.test',
  providers: {
    pspUrl: 'https://api.psp.example.test',
    pspWebhookUrl: 'https://shop.example.test/webhooks/psp',
    smsUrl: 'https://api.sms.example.test',
  },
  networkPolicy: { externalEgress: EGRESS },
};

/** A digest per service, as a release pipeline would set them (values-production.yaml requires them). */
export const DIGESTS = {
  services: Object.fromEntries(SERVICES.map((s) => [s, { image: { digest: `sha256:${createHash('sha256').update(s).digest('hex')}` } }])),
};

/** Writes `values` as a YAML file in `dir` and returns its path. */
export function valuesFile(dir: string, name: string, values: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, stringify(values));
  return file;
}

export const byKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);

/** Whether `selector` (matchLabels) selects pods labelled `labels`. */
export const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
