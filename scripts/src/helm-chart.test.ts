/**
 * The Helm charts of deploy/, through Helm 4 itself (tools/helm, built by the harness): `helm lint`
 * and `helm template` of the services chart with the default and the production values, the output
 * parsed and checked (issue 15 §2), and what the dependencies chart pins.
 */
import { mkdtempSync, readFileSync, rmSync, cpSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { ensureHelm } from '@shop/harness';
import { isCommittedSecret } from '@shop/kit';
import {
  AUTOSCALED,
  byKind,
  CHART,
  DIGESTS,
  EGRESS,
  helm,
  PLATFORM,
  render,
  REQUIRED_SETTINGS,
  SERVICES,
  selects,
  testSecrets,
  valuesFile,
  type K8sObject,
} from './helm-render.js';

/**
 * Who calls whom, read from each config.ts (its *_URL settings) and the code that uses them: cart
 * asks product for prices; order reads cart and reserves with product; payment reads order and
 * confirms with product; invoice reads order; the renderer uploads to invoice; messaging reads order
 * and invoice's PDF; the gateway calls every subgraph.
 */
const CALLS: Record<string, string[]> = {
  gateway: ['product', 'cart', 'order', 'payment', 'invoice'],
  product: [],
  cart: ['product'],
  order: ['cart', 'product'],
  payment: ['order', 'product'],
  invoice: ['order'],
  messaging: ['order', 'invoice'],
  'invoice-renderer': ['invoice'],
};
/** Egress beyond the cluster (ipBlock): the payment provider, SMS and SMTP, and the gateway's identity provider. */
const EXTERNAL: Record<string, string[]> = {
  gateway: EGRESS.identityProvider.map((e) => e.cidr),
  payment: EGRESS.psp.map((e) => e.cidr),
  messaging: [...EGRESS.sms, ...EGRESS.smtp].map((e) => e.cidr),
};

// Each helm run takes a second or two on a quiet machine; far more when the machine is shared.
vi.setConfig({ testTimeout: 120_000 });

/** A NetworkPolicy peer, as far as the test reads it. */
interface Peer {
  podSelector?: { matchLabels: Record<string, string> };
  ipBlock?: { cidr: string };
}

let bin = '';
let dir = '';
let secrets: Record<string, string> = {};
let files: { secrets: string; settings: string; digests: string };
const renders: Record<'default' | 'production', K8sObject[]> = { default: [], production: [] };

beforeAll(async () => {
  bin = await ensureHelm();
  dir = mkdtempSync(join(tmpdir(), 'shop-helm-'));
  secrets = testSecrets();
  files = {
    secrets: valuesFile(dir, 'secrets.yaml', { secrets: { values: secrets } }),
    settings: valuesFile(dir, 'settings.yaml', REQUIRED_SETTINGS),
    digests: valuesFile(dir, 'digests.yaml', DIGESTS),
  };
  renders.default = render(bin, CHART, [files.settings, files.secrets]);
  renders.production = render(bin, CHART, [join(CHART, 'values-production.yaml'), files.settings, files.secrets, files.digests]);
}, 30 * 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const podLabels = (d: K8sObject) => d.spec.template.metadata.labels as Record<string, string>;
const deployment = (objects: K8sObject[], service: string) =>
  byKind(objects, 'Deployment').find((d) => podLabels(d)['app.kubernetes.io/name'] === service)!;

describe.each(['default', 'production'] as const)('the services chart, %s values', (which) => {
  it('passes helm lint', () => {
    const valueFiles =
      which === 'default'
        ? [files.settings, files.secrets]
        : [join(CHART, 'values-production.yaml'), files.settings, files.secrets, files.digests];
    const r = helm(bin, ['lint', '--strict', CHART, ...valueFiles.flatMap((f) => ['-f', f])]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('deploys every service: probes on the health routes, requests and limits, a matching Service and PDB', () => {
    const objects = renders[which];
    const deployments = byKind(objects, 'Deployment');
    expect(deployments.map((d) => podLabels(d)['app.kubernetes.io/name']).sort()).toEqual([...SERVICES].sort());
    for (const d of deployments) {
      const labels = podLabels(d);
      const name = d.metadata.name;
      expect(selects(d.spec.selector.matchLabels, labels), `${name}: selector`).toBe(true);
      for (const c of d.spec.template.spec.containers) {
        expect(c.livenessProbe?.httpGet?.path, `${name}: liveness`).toBe('/healthz');
        expect(c.readinessProbe?.httpGet?.path, `${name}: readiness`).toBe('/readyz');
        for (const kind of ['requests', 'limits']) {
          expect(c.resources?.[kind]?.cpu, `${name}: cpu ${kind}`).toBeTruthy();
          expect(c.resources?.[kind]?.memory, `${name}: memory ${kind}`).toBeTruthy();
        }
        const port = c.ports[0].containerPort as number;
        const services = byKind(objects, 'Service').filter((s) => selects(s.spec.selector, labels));
        expect(services, `${name}: one Service`).toHaveLength(1);
        expect(
          services[0]!.spec.ports.map((p: { port: number }) => p.port),
          `${name}: Service port`,
        ).toEqual([port]);
      }
      const pdbs = byKind(objects, 'PodDisruptionBudget').filter((p) => selects(p.spec.selector.matchLabels, labels));
      expect(pdbs, `${name}: one PodDisruptionBudget`).toHaveLength(1);
    }
  });

  it('autoscales the gateway and every subgraph on CPU', () => {
    const hpas = byKind(renders[which], 'HorizontalPodAutoscaler');
    for (const service of AUTOSCALED) {
      const target = deployment(renders[which], service).metadata.name;
      const hpa = hpas.find((h) => h.spec.scaleTargetRef.name === target);
      expect(hpa?.spec.metrics[0].resource.name, service).toBe('cpu');
      expect(deployment(renders[which], service).spec.replicas, `${service}: replicas left to the HPA`).toBeUndefined();
    }
  });

  it('pins every image to an exact version (and, in production, a digest)', () => {
    const images = byKind(renders[which], 'Deployment').flatMap((d) =>
      d.spec.template.spec.containers.map((c: { image: string }) => c.image),
    );
    expect(images).toHaveLength(SERVICES.length);
    const pinned =
      which === 'production' ? /^[^:@\s]+:\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/ : /^[^:@\s]+:\d+\.\d+\.\d+(@sha256:[0-9a-f]{64})?$/;
    for (const image of images) expect(image).toMatch(pinned);
  });

  it('holds in its Secret only the values given at install, none committed', () => {
    const [secret, ...more] = byKind(renders[which], 'Secret');
    expect(more).toHaveLength(0);
    const data = secret!.stringData ?? {};
    expect(Object.keys(data).sort()).toEqual(Object.keys(secrets).sort());
    for (const [key, value] of Object.entries(data)) {
      expect(value, key).toBe(secrets[key]);
      expect(isCommittedSecret(value), key).toBe(false);
    }
    // Every key a pod reads comes from that Secret.
    for (const d of byKind(renders[which], 'Deployment')) {
      for (const e of d.spec.template.spec.containers[0].env) {
        if (e.valueFrom) expect(Object.keys(data), `${d.metadata.name} ${e.name}`).toContain(e.valueFrom.secretKeyRef.key);
      }
    }
  });

  it('lets a service be reached only by its callers, and reach beyond the cluster only toward its providers', () => {
    const policies = byKind(renders[which], 'NetworkPolicy');
    for (const service of SERVICES) {
      const labels = podLabels(deployment(renders[which], service));
      const [policy, ...others] = policies.filter((p) => selects(p.spec.podSelector.matchLabels, labels));
      expect(others, service).toHaveLength(0);
      expect(policy!.spec.policyTypes.sort(), service).toEqual(['Egress', 'Ingress']);
      const serviceNamesIn = (peers: Peer[]) =>
        peers.map((p) => p.podSelector?.matchLabels['app.kubernetes.io/name']).filter((n) => SERVICES.includes(n as never));
      // No rule (the workers, nobody calls them): `ingress` is empty and, with policyType Ingress, denies all.
      const ingress = (policy!.spec.ingress ?? []) as { from?: Peer[] }[];
      const callers = ingress.flatMap((r) => serviceNamesIn(r.from ?? []));
      const expectedCallers = SERVICES.filter((s) => CALLS[s]!.includes(service));
      expect(callers.sort(), `${service}: who may call it`).toEqual([...expectedCallers].sort());
      const open = ingress.filter((r) => !r.from);
      expect(open.length, `${service}: ingress from anywhere`).toBe(service === 'gateway' && which === 'default' ? 1 : 0);
      const egress = policy!.spec.egress as { to: Peer[] }[];
      expect(egress.flatMap((r) => serviceNamesIn(r.to)).sort(), `${service}: whom it may call`).toEqual([...CALLS[service]!].sort());
      const cidrs = egress.flatMap((r) => r.to.flatMap((t) => (t.ipBlock ? [t.ipBlock.cidr] : [])));
      expect(cidrs.sort(), `${service}: egress beyond the cluster`).toEqual([...(EXTERNAL[service] ?? [])].sort());
      expect(
        egress.every((r) => r.to.length > 0),
        `${service}: no egress rule open to all`,
      ).toBe(true);
    }
  });

  it('runs the renderer with a process that reaps Chromium’s children', () => {
    expect(deployment(renders[which], 'invoice-renderer').spec.template.spec.shareProcessNamespace).toBe(true);
  });
});

describe('what the services chart refuses to render', () => {
  const fails = (valueFiles: string[], extra: string[] = []) => {
    const r = helm(bin, ['template', 'shop', CHART, ...valueFiles.flatMap((f) => ['-f', f]), ...extra]);
    expect(r.status).not.toBe(0);
    return r.stderr;
  };

  it('without the secrets, naming the first missing key', () => {
    expect(fails([files.settings])).toContain('secrets.values.GATEWAY_SIGNING_KEY is required');
  });

  it('without the identity provider, the providers or the public URL', () => {
    expect(fails([files.secrets])).toMatch(/gateway\.jwksUrl is required|providers\.\w+ is required|publicBaseUrl is required/);
  });

  it('with a floating image tag, or without digests in production', () => {
    expect(fails([files.settings, files.secrets], ['--set', 'images.tag=latest'])).toContain('is not an exact version');
    expect(fails([join(CHART, 'values-production.yaml'), files.settings, files.secrets])).toContain('image.digest is required');
  });

  it('renders no Secret when the install names an existing one', () => {
    const objects = render(bin, CHART, [files.settings], ['--set', 'secrets.existingSecret=shop-keys']);
    expect(byKind(objects, 'Secret')).toHaveLength(0);
    const env = deployment(objects, 'gateway').spec.template.spec.containers[0].env as { valueFrom?: { secretKeyRef: { name: string } } }[];
    expect(new Set(env.flatMap((e) => (e.valueFrom ? [e.valueFrom.secretKeyRef.name] : [])))).toEqual(new Set(['shop-keys']));
  });
});

describe('the dependencies chart (deploy/platform)', () => {
  const chart = parse(readFileSync(join(PLATFORM, 'Chart.yaml'), 'utf8')) as {
    dependencies: { name: string; version: string; repository: string; condition?: string }[];
  };

  it('pins NATS, the MongoDB operator and Redis to exact versions of their maintained charts', () => {
    expect(chart.dependencies.map((d) => d.name).sort()).toEqual(['mongodb-kubernetes', 'nats', 'redis']);
    for (const d of chart.dependencies) {
      expect(d.version, d.name).toMatch(/^\d+\.\d+\.\d+$/);
      expect(d.repository, d.name).toMatch(/^(https|oci):\/\//);
    }
    const values = parse(readFileSync(join(PLATFORM, 'values.yaml'), 'utf8'));
    expect(values.nats.config.cluster).toMatchObject({ enabled: true, replicas: 3 });
    expect(values.nats.config.jetstream).toMatchObject({ enabled: true, fileStore: { enabled: true }, memoryStore: { enabled: false } });
  });

  it('lints with the dependencies missing only as a warning, but cannot be rendered without them', () => {
    const set = ['--set', 'mongodb.passwordSecret=shop-mongodb-password'];
    // helm lint (Helm 4.3.2, pkg/chart/v2/lint/rules/dependencies.go) reports dependencies absent from
    // charts/ as a warning and renders the chart's own templates: it passes without --strict.
    const lint = helm(bin, ['lint', PLATFORM, ...set]);
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
    expect(lint.stdout).toContain('chart directory is missing these dependencies: nats,mongodb-kubernetes,redis');
    // helm template checks every declared dependency before reading any value (action.CheckDependencies):
    // with all three conditions off it still refuses. No chart repository is reachable here.
    const off = ['--set', 'nats.enabled=false', '--set', 'mongodbOperator.enabled=false', '--set', 'redis.enabled=false'];
    const r = helm(bin, ['template', 'platform', PLATFORM, ...set, ...off]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('found in Chart.yaml, but missing in charts/ directory: nats, mongodb-kubernetes, redis');
    // The same chart with its dependencies struck out: the MongoDB replica set it asks the operator for.
    const copy = join(dir, 'platform');
    cpSync(PLATFORM, copy, { recursive: true });
    writeFileSync(join(copy, 'Chart.yaml'), readFileSync(join(PLATFORM, 'Chart.yaml'), 'utf8').replace(/^dependencies:[\s\S]*$/m, ''));
    const [replicaSet] = byKind(render(bin, copy, [], set), 'MongoDBCommunity');
    expect(replicaSet?.spec).toMatchObject({ type: 'ReplicaSet', members: 3 });
  });
});
