/**
 * What `npm start` runs besides the database and NATS, in start order: each process with its port and
 * environment. `npm start` and `npm run chaos` both start the system from this list.
 */
import { join } from 'node:path';
import { canConnect, ManagedProcess, ROOT } from '@shop/harness';
import { parseConfig, requireReservationOutlivesPayment, reservationTimingConfig } from '@shop/kit';
import { SUBGRAPHS } from './subgraphs.js';

export interface ServiceSpec {
  name: string;
  /** Arguments of `node`: the built entry point, or tsx and a TypeScript file. */
  args: string[];
  port: number;
  env: Record<string, string>;
  /** How readiness is seen: `GET /readyz` answers 200, or the port accepts a TCP connection. */
  probe: 'http' | 'tcp';
}

export interface SystemPorts {
  /** The gateway's port; the others keep their offsets from it (4000 → product 4001, …). */
  basePort: number;
  /** The development mail catcher's SMTP port. */
  mailPort: number;
}

/**
 * The saga's lifetimes (RESERVATION_TTL, ORDER_PAYMENT_TIMEOUT, RESERVATION_TTL_MARGIN), read once and
 * checked before anything starts, then passed to product and order alike.
 */
function sagaTimingEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const timing = requireReservationOutlivesPayment('start', parseConfig('start', reservationTimingConfig, env));
  return Object.fromEntries(Object.entries(timing).map(([k, ms]) => [k, `${ms}ms`]));
}

export const portFrom = (basePort: number) => (defaultPort: number) => basePort + (defaultPort - 4000);

const built = (entry: string) => [join(ROOT, entry)];

/**
 * The web shop (`npm start` runs it after the gateway): its built files and the /config.json that points
 * it at this system's gateway and the identity sandbox beside it (4022). Not part of serviceSpecs: tests
 * and chaos runs start the API without it; a browser test starts it on a port of its own.
 */
export function storefrontSpec(port: number, basePort: number, common: Record<string, string> = {}): ServiceSpec {
  return {
    name: 'storefront',
    args: [join(ROOT, 'storefront/dist/server/index.js')],
    port,
    env: {
      ...common,
      STOREFRONT_GRAPHQL_URL: `http://localhost:${basePort}/graphql`,
      OIDC_AUTHORITY: `http://localhost:${portFrom(basePort)(4022)}`,
      OIDC_CLIENT_ID: 'storefront',
    },
    probe: 'http',
  };
}

/** Where the mail catcher writes its `.eml` files, in the state directory. */
export const mailDirIn = (stateDir: string) => join(stateDir, 'mail');

/** The identity sandbox of a system on `basePort`: where scripts reach it, and the issuer its tokens name (browsers use localhost). */
export function identityOf(basePort: number): { url: string; issuer: string } {
  const port = portFrom(basePort)(4022);
  return { url: `http://127.0.0.1:${port}`, issuer: `http://localhost:${port}` };
}

/**
 * `common`: MONGODB_URL, NATS_URL, NODE_ENV. `stateDir`: the system's state directory; the mail catcher
 * writes to `mail/`, the sandboxes keep their books in `payment-sandbox/` and `sms-sandbox/`, the identity
 * sandbox its signing keys and accounts in `identity-sandbox/` (so a restart, even a SIGKILL, keeps them,
 * like a real provider). `timingEnv`: where the saga's lifetimes are read (default this process's environment).
 */
export function serviceSpecs(
  ports: SystemPorts,
  common: Record<string, string>,
  stateDir: string,
  timingEnv: NodeJS.ProcessEnv = process.env,
): ServiceSpec[] {
  const portOf = portFrom(ports.basePort);
  const url = (port: number, path = '') => `http://127.0.0.1:${portOf(port)}${path}`;
  const timing = sagaTimingEnv(timingEnv);
  const identity = identityOf(ports.basePort);
  const urls = Object.fromEntries(SUBGRAPHS.map((s) => [`${s.name.toUpperCase()}_URL`, url(s.port, '/graphql')]));
  const http = (name: string, entry: string, port: number, env: Record<string, string> = {}): ServiceSpec => ({
    name,
    args: built(entry),
    port: portOf(port),
    env: { ...common, ...env },
    probe: 'http',
  });
  return [
    // The payment provider's stand-in runs as its own process, like the third party it imitates.
    http('payment-sandbox', 'sandboxes/payment/dist/index.js', 4020, { SANDBOX_STATE_DIR: join(stateDir, 'payment-sandbox') }),
    // Sign-in: a development OpenID Connect provider; the gateway verifies its tokens through its JWKS, as in production.
    http('identity-sandbox', 'sandboxes/identity/dist/index.js', 4022, {
      SANDBOX_STATE_DIR: join(stateDir, 'identity-sandbox'),
      ISSUER: identity.issuer,
    }),
    // PUBLIC_BASE_URL: invoice's signed pdfUrl points at the gateway; PSP_URL: payment's provider.
    ...SUBGRAPHS.map((s) =>
      http(s.name, `subgraphs/${s.name}/dist/index.js`, s.port, {
        ...urls,
        ...timing,
        PUBLIC_BASE_URL: `http://localhost:${ports.basePort}`,
        PSP_URL: url(4020),
      }),
    ),
    // Workers after the services they call: the renderer reads and uploads through invoice's internal routes.
    http('invoice-renderer', 'workers/invoice-renderer/dist/index.js', 4011, { INVOICE_URL: url(4005) }),
    // Development email: a local SMTP catcher writing .eml files (its own process, like a real mail server).
    {
      name: 'mail-catcher',
      args: ['--import', 'tsx', join(ROOT, 'scripts/src/dev-mail.ts'), mailDirIn(stateDir), String(ports.mailPort)],
      port: ports.mailPort,
      env: {},
      probe: 'tcp',
    },
    // Development SMS: the SMS sandbox.
    http('sms-sandbox', 'sandboxes/sms/dist/index.js', 4021, { SANDBOX_STATE_DIR: join(stateDir, 'sms-sandbox') }),
    http('messaging', 'workers/messaging/dist/index.js', 4010, {
      SMTP_URL: `smtp://127.0.0.1:${ports.mailPort}`,
      SMS_URL: url(4021),
      ORDER_URL: urls.ORDER_URL ?? url(4003, '/graphql'),
      INVOICE_URL: url(4005),
    }),
    http('gateway', 'gateway/dist/index.js', 4000, {
      ...urls,
      JWKS_URL: `${identity.url}/jwks`,
      JWT_ISSUER: identity.issuer,
      JWT_AUDIENCE: 'shop',
    }),
  ];
}

/**
 * Starts one service as a child process logging to `<logs>/<name>.log`. Services run their built output,
 * so the parent's `--conditions=shop-source` is not passed on; the mail catcher runs from source with tsx.
 */
export function spawnService(spec: ServiceSpec, logs: string, node: string = process.execPath, nodeArgs: string[] = []): ManagedProcess {
  const { NODE_OPTIONS: _sourceConditions, ...inherited } = process.env;
  const env = {
    ...inherited,
    ...spec.env,
    PORT: String(spec.port),
    APOLLO_TELEMETRY_DISABLED: '1',
    // Each process names itself in its spans (read only when tracing is on: docs/design.md §11).
    OTEL_SERVICE_NAME: spec.name,
    ...(spec.args[0] === '--import' ? { NODE_OPTIONS: '--conditions=shop-source' } : {}),
  };
  return new ManagedProcess(spec.name, node, [...nodeArgs, ...spec.args], join(logs, `${spec.name}.log`), env, ROOT);
}

/** Whether the service answers: `/readyz` is 200, or (the mail catcher) its port accepts connections. */
export async function serviceReady(spec: ServiceSpec): Promise<boolean> {
  if (spec.probe === 'tcp') return canConnect(spec.port);
  return (await fetch(`http://127.0.0.1:${spec.port}/readyz`, { signal: AbortSignal.timeout(2_000) })).ok;
}
