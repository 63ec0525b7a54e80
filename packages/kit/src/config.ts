import { z } from 'zod';
import { COMMITTED_SECRET_MESSAGE, isCommittedKey, isCommittedSecret } from './committed-secrets.js';
import { developmentKeyText, developmentSignerKeysText, type SignerName } from './development-keys.js';
import { parsePrivateKey, parseSignerKeys, type Signer, type SignerKeys } from './signing-keys.js';

/** Thrown when the environment does not describe a runnable service; lists every problem at once. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: readonly string[],
  ) {
    super(`${service}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const isProduction = (env: NodeJS.ProcessEnv) => env.NODE_ENV === 'production';

/**
 * A secret with a development default; production needs a real one and refuses every value committed
 * to the repository (the deny-list in committed-secrets.ts), not only the defaults.
 */
export function secret(devDefault: string, env: NodeJS.ProcessEnv = process.env) {
  const base = z.string().min(16, 'must be at least 16 characters');
  return isProduction(env) ? base.refine((v) => !isCommittedSecret(v), COMMITTED_SECRET_MESSAGE) : base.default(devDefault);
}

/** Parses with `parse`; a parse error, or what `refuse` says of the value, becomes a zod issue. */
const parsed = <T>(parse: (text: string) => T, refuse: (value: T) => string | undefined) =>
  z.string().transform((text, ctx): T => {
    try {
      const value = parse(text);
      const problem = refuse(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
      return value;
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

/**
 * `SIGNING_KEY`: this process's Ed25519 private key (PKCS#8 PEM or base64 DER); it signs as `name`.
 * Outside production it defaults to the committed development key of `name`; production requires
 * one and refuses the committed ones.
 */
export function signingKey(name: SignerName, env: NodeJS.ProcessEnv = process.env) {
  const production = isProduction(env);
  const text = production ? z.string() : z.string().default(developmentKeyText(name));
  const refuse = (s: Signer) => (production && isCommittedKey(s.key) ? COMMITTED_SECRET_MESSAGE : undefined);
  return text.pipe(parsed((t): Signer => ({ name, key: parsePrivateKey(t) }), refuse));
}

/**
 * `SIGNER_KEYS`: the signers a subgraph trusts, `name:base64-SPKI-DER` entries separated by commas.
 * Outside production it defaults to the development keys; production requires it and refuses a
 * committed key in it.
 */
export function signerKeys(env: NodeJS.ProcessEnv = process.env) {
  const production = isProduction(env);
  const text = production ? z.string() : z.string().default(developmentSignerKeysText());
  const refuse = (keys: SignerKeys) => {
    const committed = production ? [...keys].filter(([, list]) => list.some(isCommittedKey)).map(([name]) => name) : [];
    return committed.length ? `the key of ${committed.join(', ')} ${COMMITTED_SECRET_MESSAGE}` : undefined;
  };
  return text.pipe(parsed(parseSignerKeys, refuse));
}

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

export const nodeEnv = z.enum(['development', 'test', 'production']).default('development');

export const durationMs = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const httpUrl = z.url({ protocol: /^https?$/ });

/** A comma-separated list (`a, b,,c` → `['a', 'b', 'c']`), empty by default. */
export const commaList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

export const mongoUrl = z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URL');

/**
 * `MONGODB_URL` and `MONGODB_DB`: where a service keeps its data. The database defaults to the service's
 * own (`shop_order`, …); the URL to the local development server unless the service says otherwise.
 */
export function mongoConfig(database: string, url = 'mongodb://127.0.0.1:27017/?directConnection=true') {
  return {
    MONGODB_URL: mongoUrl.default(url),
    MONGODB_DB: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,60}$/)
      .default(database),
  };
}

/** Settings every service shares (docs/design.md §8); signing settings are per service: {@link signingKey}, {@link signerKeys}. */
export function commonConfig(defaultPort: number) {
  return {
    NODE_ENV: nodeEnv,
    LOG_LEVEL: logLevel,
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port(defaultPort),
  };
}

/**
 * Parses `env` with `shape`, reporting every missing or malformed variable in one error.
 * This is the only place a service reads `process.env` (through its own config.ts).
 */
export function parseConfig<S extends z.ZodRawShape>(
  service: string,
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      service,
      result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return result.data;
}

const DURATION = /^(\d+)(ms|s|m|h|d)?$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration such as `15m`, `30s`, `7d` or plain milliseconds (`900000`), parsed to milliseconds. */
export const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const m = DURATION.exec(v.trim());
      if (!m) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration like 15m, 30s, 7d or 900000` });
        return z.NEVER;
      }
      return Number(m[1]) * UNIT_MS[(m[2] ?? 'ms') as keyof typeof UNIT_MS];
    });

// ---- the saga's two lifetimes (docs/design.md §5, step 1) ------------------------------------------------

/**
 * How long an order stays payable and how long its unconfirmed stock reservation lives. Product (which
 * releases reservations) and order (which cancels unpaid orders) both read all three, so each refuses to
 * start when they disagree; pass both services the same values.
 */
export const reservationTimingConfig = {
  /** An order still PENDING_PAYMENT this long after checkout is cancelled. */
  ORDER_PAYMENT_TIMEOUT: duration('30m'),
  /** A reservation no `order.placed` (or payment) confirmed is released this long after it was made. */
  RESERVATION_TTL: duration('45m'),
  /** How much longer a reservation lives than the payment window: the order sweep interval, event delays, clock skew. */
  RESERVATION_TTL_MARGIN: duration('10m'),
};

export interface ReservationTimings {
  ORDER_PAYMENT_TIMEOUT: number;
  RESERVATION_TTL: number;
  RESERVATION_TTL_MARGIN: number;
}

const formatMs = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1_000 === 0 ? `${ms / 1_000}s` : `${ms}ms`);

/**
 * A reservation outlives the payment window it serves: RESERVATION_TTL ≥ ORDER_PAYMENT_TIMEOUT +
 * RESERVATION_TTL_MARGIN (margin > 0). Otherwise stock of a still payable order could be released and
 * sold again. Returns the config, or throws a ConfigError naming the three values.
 */
export function requireReservationOutlivesPayment<C extends ReservationTimings>(service: string, config: C): C {
  const { ORDER_PAYMENT_TIMEOUT: timeout, RESERVATION_TTL: ttl, RESERVATION_TTL_MARGIN: margin } = config;
  if (margin <= 0) throw new ConfigError(service, ['RESERVATION_TTL_MARGIN: must be greater than 0']);
  if (ttl >= timeout + margin) return config;
  throw new ConfigError(service, [
    `RESERVATION_TTL: ${formatMs(ttl)} must be at least ORDER_PAYMENT_TIMEOUT (${formatMs(timeout)}) + RESERVATION_TTL_MARGIN ` +
      `(${formatMs(margin)}) = ${formatMs(timeout + margin)}: a stock reservation must outlive the payment window of its order`,
  ]);
}
