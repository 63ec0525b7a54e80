/**
 * Cross-checks docker-compose.yml against the services in the repository and the root Dockerfile, so
 * that a new service, a renamed variable or a port change cannot silently leave `docker compose up` behind:
 * - every service directory (gateway, subgraphs/*, workers/*, sandboxes/* as <name>-sandbox; a directory
 *   is a service when it has its own settings, src/config.ts) has a
 *   compose service of its name;
 * - each compose service's image is the Dockerfile stage of its name, which compiles and deploys the
 *   service's directory, holds the files its code reads, and runs the command compose gives it;
 * - compose sets every variable a service requires (no default under NODE_ENV=production) and only
 *   variables the service declares (src/config.ts plus @shop/kit's commonConfig), and that
 *   environment passes the service's own loadConfig();
 * - the gateway reaches each subgraph at http://<name>:<PORT>/graphql and never reports telemetry;
 * - published ports, healthchecks and commands agree with PORT and the directory;
 * - Prometheus (a pinned official image) scrapes /metrics on the PORT of every service but the sandboxes;
 * - each signer has a key of its own that every subgraph trusts under its name, and no key or
 *   secret falls back to a committed value (production refuses those); `npm run keys` makes them all;
 * - compose-go (Docker Compose's own loader, built from tools/compose-config; needs Go) accepts the
 *   file and resolves it as checked here.
 * What cannot be checked on a machine without a Docker engine (building the images) is not.
 * Variables are found by reading config.ts sources with regular expressions, not by running them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportPublicKey, parsePrivateKey, parseSignerKeys } from '@shop/kit';
import { ensureComposeConfig, goBinary } from './compose-config.js';
import { argDefault, copiesFrom, effectiveCmd, effectiveWorkdir, lineage, readDockerfile } from './dockerfile.js';
import { freshSecrets, signingKeyVariable } from './fresh-secrets.js';
import { NODE_RELEASES } from './node-releases.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');

// ---- docker-compose.yml ---------------------------------------------------------------------------

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number })[];
  depends_on?: string[] | Record<string, unknown>;
  healthcheck?: { test?: string | string[] };
  volumes?: unknown[];
}

const composeText = readFileSync(COMPOSE_FILE, 'utf8');
// `merge: true` resolves the `<<: *anchor` merge keys, as docker-compose does.
const compose = parse(composeText, { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;

/** A service's environment as written in the file, `${…}` included. */
function rawEnv(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((line) => [line.split('=')[0]!, line.slice(line.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v == null ? '' : String(v)]));
}

/** What an operator sets for the `${X:?…}` variables: `npm run keys` output for keys and secrets. */
const operatorValues = freshSecrets();
const placeholder = (name: string) => operatorValues[name] ?? (name.endsWith('_URL') ? `https://operator.invalid/${name}` : 'x'.repeat(32));

/**
 * Interpolates like docker-compose with nothing set: `${X:-d}` → d; `${X:?msg}` (the operator must
 * set it) → what `npm run keys` makes for keys and secrets, else a placeholder of the right kind
 * (a URL for *_URL, else 32 characters).
 */
function interpolate(value: string): string {
  return value
    .replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_m, _name: string, fallback?: string) => fallback ?? '')
    .replace(/\$\{(\w+):?\?[^}]*\}/g, (_m, name: string) => placeholder(name))
    .replace(/\$\$/g, '$');
}

/** A service's environment as the container gets it when nothing is set on the host. */
function envOf(name: string): Record<string, string> {
  const service = services[name];
  if (!service) throw new Error(`docker-compose.yml has no service "${name}"`);
  return Object.fromEntries(Object.entries(rawEnv(service)).map(([k, v]) => [k, interpolate(v)]));
}

/** The container side of a port mapping: "4000", "4000:4000", "127.0.0.1:4000:4000/tcp", {target}. */
function containerPort(mapping: string | number | { target: number }): number {
  if (typeof mapping === 'object') return mapping.target;
  return Number(String(mapping).split('/')[0]!.split(':').at(-1));
}

// ---- the services in the repository ---------------------------------------------------------------

interface ServiceDir {
  /** Compose service name: the directory's last segment. */
  name: string;
  /** Directory relative to the repository root, e.g. subgraphs/product. */
  dir: string;
  kind: 'gateway' | 'subgraph' | 'worker' | 'sandbox';
}

function serviceDirs(): ServiceDir[] {
  const found: ServiceDir[] = [];
  if (existsSync(join(ROOT, 'gateway', 'package.json'))) found.push({ name: 'gateway', dir: 'gateway', kind: 'gateway' });
  for (const [parent, kind, suffix] of [
    ['subgraphs', 'subgraph', ''],
    ['workers', 'worker', ''],
    // A provider's stand-in is named for what it stands in for: sandboxes/sms is "sms-sandbox".
    ['sandboxes', 'sandbox', '-sandbox'],
  ] as const) {
    if (!existsSync(join(ROOT, parent))) continue;
    for (const entry of readdirSync(join(ROOT, parent), { withFileTypes: true })) {
      // A process has its own settings (src/config.ts); a shared library such as sandboxes/kit does not.
      const dir = join(ROOT, parent, entry.name);
      if (entry.isDirectory() && existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src', 'config.ts'))) {
        found.push({ name: `${entry.name}${suffix}`, dir: `${parent}/${entry.name}`, kind });
      }
    }
  }
  return found;
}

// ---- the variables a config.ts declares ------------------------------------------------------------

interface Setting {
  /** True when the variable has no default with NODE_ENV=production, so compose must set it. */
  required: boolean;
}

const kitConfigSource = readFileSync(join(ROOT, 'packages/kit/src/config.ts'), 'utf8');
/** `eventsConfig` (NATS_URL, RETRY_*, HANDLER_TIMEOUT), spread by every service that publishes or consumes events. */
const eventsConfigSource = readFileSync(join(ROOT, 'packages/events/src/nats.ts'), 'utf8');
/** `subgraphConfig(name, port, env)`, the settings the subgraphs that call others share. */
const subgraphConfigSource = readFileSync(join(ROOT, 'packages/events/src/config.ts'), 'utf8');

/** The text defining `name` (`const name = …;` or `function name(…) {…}`) in one of the sources. */
function definitionOf(name: string, sources: string[]): string {
  for (const source of sources) {
    const match = new RegExp(`(?:const|function)\\s+${name}\\b[\\s\\S]*?(?:;\\n|\\n\\}\\n)`).exec(source);
    if (match) return match[0];
  }
  return '';
}

/**
 * `KEY: expression` entries of an object literal, e.g. the zod shape passed to parseConfig. An entry
 * runs until the next key, a spread or the closing brace.
 */
function shapeEntries(block: string): Map<string, string> {
  const entries = new Map<string, string>();
  let current: string | undefined;
  for (const line of block.split('\n')) {
    const key = /^\s*([A-Z][A-Z0-9_]*)\s*:(.*)$/.exec(line);
    if (key) {
      current = key[1]!;
      entries.set(current, key[2]!);
    } else if (/^\s*(\.\.\.|\})/.test(line)) {
      current = undefined;
    } else if (current) {
      entries.set(current, `${entries.get(current)}\n${line}`);
    }
  }
  return entries;
}

/**
 * Whether an expression has a default under NODE_ENV=production. `secret()`, `signingKey()` and
 * `signerKeys()` default only outside production; otherwise `.default(…)` / `.optional()` in the expression or in the definition of the
 * helper or constant it starts with (`port(4000)`, `logLevel`, `mongoUrl.default(…)`, `url`).
 */
function hasDefault(expression: string, sources: string[]): boolean {
  // `production ? <in production> : <elsewhere>`: only the production branch counts here.
  const branch = /^\s*production\s*\?\s*([\s\S]+?)\s*:\s*[\s\S]+$/.exec(expression);
  if (branch) return hasDefault(branch[1]!, sources);
  if (/\b(secret|signingKey|signerKeys)\(/.test(expression)) return false;
  const head = /^\s*([A-Za-z_$][\w$]*)/.exec(expression)?.[1];
  const text = head && head !== 'z' ? expression + definitionOf(head, sources) : expression;
  return /\.default\(|\.optional\(\)/.test(text);
}

function settingsOf(config: string): Map<string, Setting> {
  const sources = [config, kitConfigSource, eventsConfigSource, subgraphConfigSource];
  const settings = new Map<string, Setting>();
  /** A shape's entries, after those of the shapes it spreads (`...commonConfig(4000)`, `...eventsConfig`), which may spread others. */
  const add = (block: string) => {
    for (const [, name] of block.matchAll(/^\s*\.\.\.([A-Za-z_$][\w$]*)/gm)) {
      const definition = definitionOf(name!, sources);
      if (!definition) throw new Error(`a config spreads ...${name}, defined in none of the sources this test reads`);
      add(definition);
    }
    for (const [key, expression] of shapeEntries(block)) settings.set(key, { required: !hasDefault(expression, sources) });
  };
  add(config.slice(config.indexOf('parseConfig(')));
  return settings;
}

const dirs = serviceDirs().map((service) => {
  const configFile = join(ROOT, service.dir, 'src', 'config.ts');
  const config = existsSync(configFile) ? readFileSync(configFile, 'utf8') : '';
  const defaultPort = /(?:commonConfig\(|\bport\(|subgraphConfig\('[\w-]+',)\s*([\d_]+)/.exec(config)?.[1];
  return {
    ...service,
    configFile,
    settings: settingsOf(config),
    defaultPort: defaultPort ? Number(defaultPort.replaceAll('_', '')) : undefined,
  };
});
const subgraphs = dirs.filter((d) => d.kind === 'subgraph');

// ---- the root Dockerfile ----------------------------------------------------------------------------

const stages = readDockerfile(join(ROOT, 'Dockerfile'));
const buildStage = stages.find((s) => s.name === 'build');
/** The service directories the build stage compiles and deploys (its `ARG SERVICES`). */
const builtDirs = (buildStage && argDefault(buildStage, 'SERVICES')?.split(' ').filter(Boolean)) ?? [];

/** A compose service's `build`, long form. */
function buildOf(service: ComposeService): { context?: string; dockerfile?: string; target?: string } | undefined {
  return typeof service.build === 'string' ? { context: service.build } : service.build;
}

/** What a stage copies from the build stage: [source, absolute destination] pairs. */
function copiedFromBuild(target: string): [string, string][] {
  const workdir = effectiveWorkdir(stages, target) ?? '/';
  return copiesFrom(stages, target, 'build').map((c) => [c.source, posix.resolve(workdir, c.destination)]);
}

/**
 * Files a service's code reads by a path relative to its own module (`new URL('…', import.meta.url)`),
 * from the repository root, as resolved from where the compiled module runs (dist/ for src/).
 */
function filesReadBy(dir: string): string[] {
  const src = join(ROOT, dir, 'src');
  const files: string[] = [];
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    for (const m of readFileSync(join(src, file), 'utf8').matchAll(/new URL\(\s*'([^']+)',\s*import\.meta\.url\s*\)/g)) {
      files.push(posix.normalize(posix.join(dir, 'dist', dirname(file).split('\\').join('/'), m[1]!)));
    }
  }
  return files;
}

// ---- the checks --------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  it('finds the services and their settings (sanity check of this test)', () => {
    expect(dirs.map((d) => d.name)).toEqual(expect.arrayContaining(['gateway', 'product']));
    const gateway = dirs.find((d) => d.name === 'gateway')!;
    expect([...gateway.settings.keys()]).toEqual(
      expect.arrayContaining(['NODE_ENV', 'LOG_LEVEL', 'HOST', 'PORT', 'SIGNING_KEY', 'JWT_SECRET', 'PRODUCT_URL']),
    );
    expect(gateway.settings.get('APOLLO_TELEMETRY_DISABLED')).toEqual({ required: true });
    expect(gateway.settings.get('SIGNING_KEY')).toEqual({ required: true });
    expect(dirs.find((d) => d.name === 'product')!.settings.get('SIGNER_KEYS')).toEqual({ required: true });
    // Read through subgraphConfig (packages/events) and the shapes it spreads in turn.
    const cart = dirs.find((d) => d.name === 'cart')!;
    expect(cart.settings.get('SIGNING_KEY')).toEqual({ required: true });
    expect(cart.settings.get('MONGODB_DB')).toEqual({ required: false });
    expect([...cart.settings.keys()]).toEqual(expect.arrayContaining(['PORT', 'SIGNER_KEYS', 'NATS_URL', 'MONGODB_URL', 'PRODUCT_URL']));
    expect(cart.defaultPort).toBe(4002);
    // Production verifies tokens through the identity provider's key set, never with JWT_SECRET.
    expect(gateway.settings.get('JWT_SECRET')).toEqual({ required: false });
    expect(gateway.settings.get('JWKS_URL')).toEqual({ required: true });
    expect(dirs.find((d) => d.name === 'identity-sandbox')?.dir).toBe('sandboxes/identity');
    expect(gateway.settings.get('PRODUCT_URL')).toEqual({ required: false });
    expect(gateway.settings.get('PORT')).toEqual({ required: false });
    expect(gateway.defaultPort).toBe(4000);
  });

  it('runs Prometheus from a pinned official image, scraping /metrics on the PORT of every service but the sandboxes', () => {
    const prometheus = services.prometheus;
    expect(prometheus?.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(JSON.stringify(prometheus?.volumes)).toContain('./prometheus.yml:/etc/prometheus/prometheus.yml');
    const config = parse(readFileSync(join(ROOT, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const shop = config.scrape_configs.find((job) => job.job_name === 'shop');
    expect(shop?.metrics_path).toBe('/metrics');
    const targets = shop!.static_configs.flatMap((c) => c.targets).sort();
    const expected = dirs.filter((d) => d.kind !== 'sandbox').map((d) => `${d.name}:${envOf(d.name).PORT}`);
    expect(targets).toEqual(expected.sort());
  });

  it('runs Jaeger (pinned) and points every Node service at its OTLP endpoint', () => {
    expect(services.jaeger?.image).toMatch(/^jaegertracing\/all-in-one:\d+\.\d+\.\d+$/);
    // The sandboxes stand in for third parties and are not traced.
    for (const { name, dir } of dirs.filter((d) => !d.dir.startsWith('sandboxes/'))) {
      expect(envOf(name).OTEL_EXPORTER_OTLP_ENDPOINT, dir).toBe('http://jaeger:4318');
    }
  });

  it('runs MongoDB and NATS JetStream', () => {
    expect(services.mongodb?.image).toMatch(/^mongo:/);
    expect(services.nats?.image).toMatch(/^nats:/);
    expect(services.nats?.command).toEqual(expect.arrayContaining(['-js']));
  });

  describe.each(dirs)('$dir', (service) => {
    const composed = () => {
      const found = services[service.name];
      expect(found, `docker-compose.yml has no service "${service.name}" for ${service.dir}`).toBeDefined();
      return found!;
    };

    it(`is the compose service "${service.name}", running ${service.dir}/dist/index.js`, () => {
      const s = composed();
      expect(s.build ?? s.image).toBeDefined();
      expect(existsSync(join(ROOT, service.dir, 'src', 'index.ts'))).toBe(true);
      expect(s.command).toEqual(['node', `${service.dir}/dist/index.js`]);
    });

    it(`is built by the Dockerfile: its stage "${service.name}" holds ${service.dir} compiled and deployed, and runs its command`, () => {
      const s = composed();
      const build = buildOf(s);
      expect(build, 'compose builds the image from the root Dockerfile').toBeDefined();
      expect(build!.context).toBe('.');
      expect(build!.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      expect(build!.target, 'build.target: the Dockerfile stage named like the service').toBe(service.name);
      expect(
        stages.map((st) => st.name),
        `the Dockerfile has no stage "${service.name}"`,
      ).toContain(service.name);
      // The build stage compiles (`tsc -b`) and deploys (`pnpm deploy` to /out/<dir>) each of ARG SERVICES.
      expect(builtDirs, `the Dockerfile's ARG SERVICES lacks ${service.dir}`).toContain(service.dir);
      expect(copiedFromBuild(service.name)).toContainEqual([`/out/${service.dir}`, `/app/${service.dir}`]);
      expect(effectiveWorkdir(stages, service.name)).toBe('/app');
      expect(effectiveCmd(stages, service.name), "the stage's CMD and compose's command").toEqual(s.command);
      // <dir>/dist/index.js is what the build stage's `tsc -b` makes of <dir>/src/index.ts.
      const tsconfig = JSON.parse(readFileSync(join(ROOT, service.dir, 'tsconfig.json'), 'utf8')) as { compilerOptions?: object };
      expect(tsconfig.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    });

    it('has in its image every file its code reads next to itself', () => {
      const buildDir = effectiveWorkdir(stages, 'build');
      for (const file of filesReadBy(service.dir)) {
        expect(existsSync(join(ROOT, file)), `${file} (read by ${service.dir})`).toBe(true);
        if (file.startsWith(`${service.dir}/`)) {
          // Deployed with the package, unless the build stage's clean-up takes it (TypeScript, tests).
          expect(file).not.toMatch(/\.ts$|\/test\//);
        } else {
          expect(copiedFromBuild(service.name), `${file} (read by ${service.dir})`).toContainEqual([`${buildDir}/${file}`, `/app/${file}`]);
        }
      }
    });

    it('sets every variable without a default, and only variables its config declares', () => {
      const env = rawEnv(composed());
      const required = [...service.settings].filter(([, s]) => s.required).map(([key]) => key);
      expect(
        // OTEL_* are OpenTelemetry's standard variables, read by the tracing bootstrap (@shop/kit/tracing).
        Object.keys(env).filter((key) => !service.settings.has(key) && !key.startsWith('OTEL_')),
        `not declared by ${service.configFile}`,
      ).toEqual([]);
      expect(
        required.filter((key) => !(key in env)),
        'required but not set',
      ).toEqual([]);
      expect(env.NODE_ENV).toBe('production');
      expect(env.HOST).toBe('0.0.0.0');
    });

    it('is given an environment its own loadConfig() accepts', async () => {
      const { loadConfig } = (await import(service.configFile)) as { loadConfig: (env: NodeJS.ProcessEnv) => unknown };
      let problem = '';
      try {
        loadConfig(envOf(service.name));
      } catch (error) {
        problem = String(error);
      }
      expect(problem).toBe('');
    });

    it('listens on its documented port, publishes only that port and checks /readyz on it', () => {
      const s = composed();
      const port = Number(envOf(service.name).PORT);
      expect(port).toBe(service.defaultPort);
      for (const mapping of s.ports ?? []) expect(containerPort(mapping)).toBe(port);
      const test = [s.healthcheck?.test ?? []].flat().join(' ');
      expect(test).toContain('/readyz');
      expect(test).toContain('process.env.PORT');
    });
  });

  describe('gateway', () => {
    const env = () => envOf('gateway');

    it('never reports telemetry', () => {
      expect(rawEnv(services.gateway!).APOLLO_TELEMETRY_DISABLED).toBe('1');
    });

    it('publishes port 4000', () => {
      expect(services.gateway!.ports).toEqual(expect.arrayContaining([expect.stringMatching(/(^|:)4000:4000$/)]));
    });

    it('points each subgraph <NAME>_URL at http://<name>:<PORT>/graphql of an existing compose service', () => {
      const names = new Set(subgraphs.map((s) => `${s.name.toUpperCase().replaceAll('-', '_')}_URL`));
      const urls = Object.entries(env()).filter(([key]) => names.has(key));
      expect(urls.length).toBeGreaterThan(0);
      for (const [key, url] of urls) {
        const name = key.slice(0, -'_URL'.length).toLowerCase().replaceAll('_', '-');
        expect(services[name], `${key}: no compose service "${name}"`).toBeDefined();
        expect(url, key).toBe(`http://${name}:${envOf(name).PORT}/graphql`);
      }
    });

    it('needs no outside identity provider: verifies tokens through the identity sandbox unless JWKS_URL, JWT_ISSUER and JWT_AUDIENCE are set', () => {
      const raw = rawEnv(services.gateway!);
      expect(raw.JWKS_URL).toMatch(/^\$\{JWKS_URL:-[^}]+\}$/);
      expect(raw.JWT_ISSUER).toMatch(/^\$\{JWT_ISSUER:-[^}]+\}$/);
      expect(raw.JWT_AUDIENCE).toMatch(/^\$\{JWT_AUDIENCE:-[^}]+\}$/);
      const jwks = new URL(env().JWKS_URL!);
      expect(jwks.hostname).toBe('identity-sandbox');
      expect(jwks.pathname).toBe('/jwks');
      expect(Number(jwks.port)).toBe(Number(envOf('identity-sandbox').PORT));
      // The issuer is the address browsers use (the published port); the audience what the sandbox puts in `aud`.
      expect(env().JWT_ISSUER).toBe(envOf('identity-sandbox').ISSUER);
      expect(env().JWT_AUDIENCE).toBe('shop');
      expect(services['identity-sandbox']!.ports).toEqual([`${jwks.port}:${jwks.port}`]);
      const dependsOn = services.gateway!.depends_on as Record<string, unknown>;
      expect(dependsOn['identity-sandbox']).toEqual({ condition: 'service_healthy' });
    });

    it('knows every subgraph and waits for it to be healthy', () => {
      const dependsOn = services.gateway!.depends_on ?? {};
      for (const subgraph of subgraphs) {
        const key = `${subgraph.name.toUpperCase().replaceAll('-', '_')}_URL`;
        expect(env(), `gateway has no ${key}`).toHaveProperty(key);
        expect(Array.isArray(dependsOn) ? dependsOn : Object.keys(dependsOn)).toContain(subgraph.name);
        if (!Array.isArray(dependsOn)) expect(dependsOn[subgraph.name]).toEqual({ condition: 'service_healthy' });
      }
    });
  });

  describe('keys and secrets', () => {
    const signing = dirs.filter((d) => d.settings.has('SIGNING_KEY'));
    const verifying = dirs.filter((d) => d.settings.has('SIGNER_KEYS'));

    it('gives every signer a key of its own, named for it, with no fallback', () => {
      expect(signing.map((d) => d.name)).toEqual(expect.arrayContaining(['gateway', 'order', 'invoice-renderer']));
      for (const service of signing) {
        const variable = signingKeyVariable(service.name);
        expect(rawEnv(services[service.name]!).SIGNING_KEY, service.name).toMatch(new RegExp(`^\\$\\{${variable}:\\?[^}]+\\}$`));
      }
    });

    it("makes every subgraph trust each signer's key under the signer's name", () => {
      expect(verifying.map((d) => d.name)).toEqual(expect.arrayContaining(subgraphs.map((s) => s.name)));
      for (const service of verifying) {
        expect(rawEnv(services[service.name]!).SIGNER_KEYS, service.name).toMatch(/^\$\{SIGNER_KEYS:\?[^}]+\}$/);
        const trusted = parseSignerKeys(envOf(service.name).SIGNER_KEYS!);
        for (const signer of signing) {
          const key = parsePrivateKey(envOf(signer.name).SIGNING_KEY!);
          expect(trusted.get(signer.name)?.map(exportPublicKey), `${service.name} trusts ${signer.name}`).toEqual([exportPublicKey(key)]);
        }
      }
    });

    it('requires only keys and secrets that npm run keys makes', () => {
      const required = [...composeText.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]!).filter((name) => /SECRET|_KEYS?$/.test(name));
      expect(required.length).toBeGreaterThan(0);
      expect(required.filter((name) => !(name in operatorValues))).toEqual([]);
    });

    it('sets no key or secret to a committed fallback: production would refuse it', () => {
      for (const [name, service] of Object.entries(services)) {
        for (const [key, value] of Object.entries(rawEnv(service))) {
          if (/SECRET|_KEY(S)?$/.test(key)) expect(value, `${name} ${key}`).toMatch(/^\$\{\w+:\?[^}]+\}$/);
        }
      }
    });
  });

  describe('the Dockerfile', () => {
    it('compiles every directory of ARG SERVICES and deploys each on its own to /out/<dir>', () => {
      expect(builtDirs.length).toBeGreaterThan(0);
      const runs = buildStage!.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
      expect(runs).toContainEqual(expect.stringContaining('tsc -b ${SERVICES}'));
      expect(runs).toContainEqual(
        expect.stringMatching(
          /for dir in \$\{SERVICES\}; do pnpm --filter "\.\/\$\{dir\}" deploy --legacy --prod --offline "\/out\/\$\{dir\}"/,
        ),
      );
    });

    it('deploys only what compose runs: each directory of ARG SERVICES is a compose service', () => {
      for (const dir of builtDirs) {
        const service = dirs.find((d) => d.dir === dir);
        expect(service, `${dir} is not a service directory`).toBeDefined();
        expect(services[service!.name], `${dir}: no compose service "${service!.name}"`).toBeDefined();
      }
    });

    it('bases every image on a Node major that CI tests (npm run test:node)', () => {
      const image = /^ARG NODE_IMAGE=node:(\d+)-bookworm-slim$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
      expect(image, 'ARG NODE_IMAGE=node:<major>-bookworm-slim').not.toBeNull();
      expect(Object.keys(NODE_RELEASES)).toContain(image![1]);
      for (const service of dirs) expect(lineage(stages, service.name).at(-1)?.from, service.name).toBe('${NODE_IMAGE}');
    });
  });

  describe('validation by Docker Compose itself', () => {
    let composeConfig = '';
    beforeAll(async () => {
      // Go builds FerretDB for the rest of the suite too, so it is a requirement here, not an option.
      const go = goBinary();
      if (!go) throw new Error('no Go toolchain (go on PATH or /usr/local/go): it builds tools/compose-config');
      composeConfig = await ensureComposeConfig(go);
    }, 600_000);

    /** Only PATH and HOME, as on a fresh machine; `${X:?…}` variables get a placeholder. */
    const freshEnv = () => {
      const required = [...composeText.matchAll(/\$\{(\w+):?\?/g)].map((m) => [m[1]!, 'x'.repeat(32)]);
      return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...Object.fromEntries(required) };
    };
    const load = (file: string, env: NodeJS.ProcessEnv) => spawnSync(composeConfig, ['-f', file], { cwd: ROOT, env, encoding: 'utf8' });

    it('is accepted by compose-go and resolves to the images checked above', () => {
      const result = load(COMPOSE_FILE, freshEnv());
      expect(result.error).toBeUndefined();
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const project = JSON.parse(result.stdout) as {
        services: Record<string, { build?: { context: string; dockerfile: string; target?: string }; command?: string[] }>;
      };
      expect(Object.keys(project.services).sort()).toEqual(Object.keys(services).sort());
      for (const service of dirs) {
        const resolved = project.services[service.name]!;
        expect(resolved.build, service.name).toEqual({
          context: ROOT.replace(/\/$/, ''),
          dockerfile: 'Dockerfile',
          target: service.name,
        });
        expect(resolved.command, service.name).toEqual(services[service.name]!.command);
      }
    });

    it('compose-go refuses what Docker Compose refuses: an unknown key, an unset required variable', () => {
      const dir = mkdtempSync(join(tmpdir(), 'shop-compose-'));
      const broken = join(dir, 'docker-compose.yml');
      writeFileSync(broken, composeText.replace('\n  gateway:\n', '\n  gateway:\n    no_such_key: 1\n'));
      const unknownKey = load(broken, freshEnv());
      rmSync(dir, { recursive: true, force: true });
      expect(unknownKey.status).toBe(1);
      expect(unknownKey.stderr).toContain('no_such_key');
      const { GATEWAY_SIGNING_KEY: _unset, ...withoutKey } = freshEnv();
      const unset = load(COMPOSE_FILE, withoutKey);
      expect(unset.status).toBe(1);
      expect(unset.stderr).toContain('GATEWAY_SIGNING_KEY');
    });
  });
});
