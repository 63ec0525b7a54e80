/**
 * `npm start`: starts the database and NATS (or uses MONGODB_URL / NATS_URL / a NATS on :4222), every
 * service, worker and sandbox, seeds the demo catalog once, prints where everything is, and stops it all
 * on Ctrl-C. `npm run infra` starts only the database and NATS. `SHOP_TRACING=jaeger` also starts
 * Jaeger and points every process at it (dev-tracing.ts).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ManagedProcess, STATE_DIR, canConnect, ensureChromium, freePort, startBroker, startDatabase, waitFor } from '@shop/harness';
import { mintDevToken } from '@shop/identity-sandbox';
import { seedCatalog } from './seed.js';
import { identityOf, mailDirIn, serviceReady, serviceSpecs, spawnService, storefrontSpec, type ServiceSpec } from './services.js';
import { startDevJaeger, tracingEnv, tracingMode } from './dev-tracing.js';

const infraOnly = process.argv.includes('--infra-only');
/** Gateway port; subgraphs keep their offsets from it (4000 → product 4001, …). Tests start a second copy elsewhere. */
const basePort = Number(process.env.SHOP_BASE_PORT ?? 4000);
if (!Number.isInteger(basePort) || basePort < 1024 || basePort > 65_000) {
  process.stderr.write(`✗ SHOP_BASE_PORT must be 1024–65000, got ${process.env.SHOP_BASE_PORT}\n`);
  process.exit(2);
}
let tracing: ReturnType<typeof tracingMode>;
try {
  tracing = tracingMode();
} catch (err) {
  process.stderr.write(`✗ ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}
const portOf = (defaultPort: number) => basePort + (defaultPort - 4000);
/** How long one service may take to become ready (SHOP_START_TIMEOUT_MS; a loaded machine needs more). */
const startTimeoutMs = Number(process.env.SHOP_START_TIMEOUT_MS ?? 30_000);
if (!Number.isInteger(startTimeoutMs) || startTimeoutMs < 1_000) {
  process.stderr.write(`✗ SHOP_START_TIMEOUT_MS must be an integer ≥ 1000, got ${process.env.SHOP_START_TIMEOUT_MS}\n`);
  process.exit(2);
}
const say = (msg: string) => process.stderr.write(`» ${msg}\n`);
const logs = join(STATE_DIR, 'logs');
const started: ManagedProcess[] = [];
let stopping = false;

/** Stops services (in reverse order), then the infrastructure; repeated signals while stopping are ignored. */
async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  for (const p of started.reverse()) await p.stop();
  await Promise.all(cleanups.map((c) => c()));
  process.exit(code);
}
const cleanups: (() => Promise<void>)[] = [];
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

async function startService(spec: ServiceSpec): Promise<void> {
  const proc = spawnService(spec, logs);
  started.push(proc);
  await waitFor(`${spec.name} on port ${spec.port}`, () => serviceReady(spec), {
    timeoutMs: startTimeoutMs,
    intervalMs: 100,
    failFast: () => proc.deathNotice(),
  });
  say(`${spec.name} ready on ${spec.probe === 'tcp' ? 'smtp' : 'http'}://127.0.0.1:${spec.port} (log: ${proc.logFile})`);
}

try {
  say('starting the database and NATS JetStream…');
  const [db, nats] = await Promise.all([startDatabase('dev'), startBroker('dev')]);
  cleanups.push(db.stop, nats.stop);
  say(`database: ${db.kind} at ${db.url}`);
  say(`NATS: ${nats.kind === 'external' ? 'reusing' : 'started'} ${nats.url}`);
  if (infraOnly) {
    say('infrastructure is up; Ctrl-C stops it');
  } else {
    // Keys and secrets are each service's development defaults: its own committed Ed25519 key pair
    // (SIGNING_KEY) and every signer's public key (SIGNER_KEYS); production refuses them all.
    const nodeEnv = process.env.NODE_ENV ?? 'development';
    let common: Record<string, string> = { MONGODB_URL: db.url, NATS_URL: nats.url, NODE_ENV: nodeEnv };
    let jaegerUrl: string | undefined;
    if (tracing === 'jaeger') {
      say('starting Jaeger (SHOP_TRACING=jaeger; built from the Go module proxy on first start)…');
      const jaeger = await startDevJaeger(STATE_DIR, logs);
      cleanups.push(jaeger.stop);
      jaegerUrl = jaeger.queryUrl;
      common = { ...common, ...tracingEnv(jaeger) };
      say(`Jaeger: OTLP in on ${jaeger.otlpUrl}, query API on ${jaeger.queryUrl} (log: ${jaeger.process.logFile})`);
    }
    say('checking Chromium for the invoice renderer (installed from Debian on first start)…');
    await ensureChromium();
    const mailPort = 1025 + (basePort - 4000);
    const ports = { basePort, mailPort: (await canConnect(mailPort)) ? await freePort() : mailPort };
    for (const spec of serviceSpecs(ports, common, STATE_DIR)) await startService(spec);
    await startService(storefrontSpec(portOf(3000), basePort, { NODE_ENV: nodeEnv }));
    const identity = identityOf(basePort);
    const url = `http://localhost:${basePort}/graphql`;
    // Where `npm run partner` finds the gateway's database while this runs.
    const runningFile = join(STATE_DIR, 'running.json');
    const running = { MONGODB_URL: db.url, NATS_URL: nats.url, GATEWAY_URL: url, ...(jaegerUrl ? { JAEGER_URL: jaegerUrl } : {}) };
    writeFileSync(runningFile, `${JSON.stringify(running, null, 2)}\n`);
    cleanups.push(() => {
      rmSync(runningFile, { force: true });
      return Promise.resolve();
    });
    await seedCatalog(url, await mintDevToken(identity.url, { sub: 'seed', roles: ['admin'], ttlSeconds: 3_600 }), say);
    const token = await mintDevToken(identity.url, { sub: 'dev-admin', roles: ['admin'] });
    process.stdout.write(`
Shop Supergraph is running: ${url}
  Storefront:      http://localhost:${portOf(3000)} (the web shop: browse, sign in, buy with test cards; storefront/README.md)
  Apollo Sandbox:  open ${url} in a browser (paste the admin token below under "Shared headers" as Authorization)
  First query:     curl -s ${url} -H 'content-type: application/json' \\
                     -d '{"query":"{ products(first: 3) { edges { node { name price { amount currency } availability { status } } } } }"}'
  Admin token:     ${token}
                   (send as "Authorization: Bearer <token>"; more with: npm run token -- --sub alice --role customer)
  Partners:        npm run partner -- add acme --ops all   (prints an API key; see schema/operations/partner/README.md)
  Sign-in:         ${identity.issuer} (OpenID Connect for the storefront: type a name, pick a role; tokens carry roles)
  Payment sandbox: http://127.0.0.1:${portOf(4020)} (test cards: tok_visa, tok_declined, tok_3ds, … see sandboxes/payment/README.md)
  Emails:          ${mailDirIn(STATE_DIR)} (one .eml file per email, from the local SMTP catcher)
  SMS:             http://127.0.0.1:${portOf(4021)}/v1/test/messages (header "authorization: Bearer dev-only-sms-api-key-change-me")
  Logs:            ${logs}
${jaegerUrl ? `  Traces:          ${jaegerUrl} (Jaeger's query API; the UI is a placeholder in this build): npm run trace -- <order number>\n` : ''}Ctrl-C stops everything.
`);
  }
  for (const p of started) {
    void p.wait().then(() => {
      if (!stopping) {
        process.stderr.write(`✗ ${p.deathNotice() ?? p.component}\n`);
        void stopAll(1);
      }
    });
  }
} catch (err) {
  process.stderr.write(`✗ ${err instanceof Error ? err.message : String(err)}\n`);
  await stopAll(1);
}
