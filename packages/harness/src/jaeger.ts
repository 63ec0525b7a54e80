import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';
import { ensureGoTool, goToolPath, type GoTool } from './go-build.js';
import { ManagedProcess } from './process.js';
import { canConnect, freePort, waitFor } from './wait.js';

const WRAPPER = join(ROOT, 'tools', 'jaeger');

/** The Jaeger module version the wrapper pins (its go.mod): v1.75.0, whose `cmd/jaeger` is Jaeger v2.12. */
export function jaegerVersion(): string {
  const m = /github\.com\/jaegertracing\/jaeger (v[\d.]+)/.exec(readFileSync(join(WRAPPER, 'go.mod'), 'utf8'));
  if (!m?.[1]) throw new Error(`cannot find the Jaeger version in ${WRAPPER}/go.mod`);
  return m[1];
}

const jaegerTool = (): GoTool => ({
  label: `Jaeger ${jaegerVersion()}`,
  name: `jaeger-${jaegerVersion()}`,
  dir: WRAPPER,
  files: ['go.mod', 'go.sum'],
  args: ['build', '-trimpath'],
  // The wrapper module records it with `go get -tool`: its go.mod's `tool` line.
  target: 'github.com/jaegertracing/jaeger/cmd/jaeger',
  expected: '~5–10 min on two cores',
  missingGo:
    'Go (>= 1.24) is needed to build Jaeger (SHOP_TRACING=jaeger): install Go, or run Jaeger yourself and set OTEL_EXPORTER_OTLP_ENDPOINT.',
});

/**
 * Returns the Jaeger all-in-one binary (`cmd/jaeger`), building it from the Go module proxy through the
 * committed wrapper module tools/jaeger the first time; later calls reuse the cached binary. A caller
 * that finds another process building it waits for that build. `signal` stops this process's build.
 */
export function ensureJaeger(opts: { signal?: AbortSignal } = {}): Promise<string> {
  return ensureGoTool(jaegerTool(), opts);
}

export interface JaegerPorts {
  /** OTLP over HTTP (`/v1/traces`). */
  otlp: number;
  /** The query API and the (placeholder) UI: `/api/traces`, `/api/services`. */
  query: number;
  /** The query service's gRPC API (not used here, but it always listens: bound to loopback too). */
  queryGrpc: number;
}

export interface JaegerInstance {
  /** Base URL for `OTEL_EXPORTER_OTLP_ENDPOINT` (the SDK appends `/v1/traces`). */
  otlpUrl: string;
  /** Jaeger's query API (`JAEGER_URL` of `npm run trace`). */
  queryUrl: string;
  process: ManagedProcess;
  stop: () => Promise<void>;
}

/**
 * The collector configuration: OTLP/HTTP in, spans kept in memory, the query API out; every listener
 * on 127.0.0.1. Left out on purpose, compared with the built-in all-in-one configuration: the gRPC OTLP,
 * Jaeger and Zipkin receivers, remote sampling, health check, expvar and zpages extensions (each one
 * more listener), the collector's own metrics endpoint (`level: none`), and the query service's
 * tracing of itself (`enable_tracing`, on by default in v2: it would export OTLP to wherever the
 * environment points). Written as JSON, which the collector's YAML reader accepts.
 */
export function jaegerConfig(ports: JaegerPorts, maxTraces = 100_000): string {
  const loopback = (port: number) => `127.0.0.1:${port}`;
  const config = {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query'],
      pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] } },
      telemetry: { metrics: { level: 'none' }, logs: { level: 'warn' } },
    },
    extensions: {
      jaeger_storage: { backends: { memstore: { memory: { max_traces: maxTraces } } } },
      jaeger_query: {
        storage: { traces: 'memstore' },
        enable_tracing: false,
        http: { endpoint: loopback(ports.query) },
        grpc: { endpoint: loopback(ports.queryGrpc) },
      },
    },
    receivers: { otlp: { protocols: { http: { endpoint: loopback(ports.otlp) } } } },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: 'memstore' } },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Whether a Jaeger query API answers at `queryUrl`. */
export async function jaegerAnswers(queryUrl: string): Promise<boolean> {
  try {
    return (await fetch(`${queryUrl}/api/services`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/**
 * Starts Jaeger (built by {@link ensureJaeger}) with in-memory storage on free loopback ports (or the
 * given ones), its configuration written to `stateDir/jaeger.yaml`. It runs with an environment of its
 * own (PATH and HOME only): no `OTEL_*` variable of ours reaches it.
 */
export async function startJaeger(opts: { stateDir: string; logFile: string; ports?: Partial<JaegerPorts> }): Promise<JaegerInstance> {
  const bin = await ensureJaeger();
  const ports: JaegerPorts = {
    otlp: opts.ports?.otlp ?? (await freePort()),
    query: opts.ports?.query ?? (await freePort()),
    queryGrpc: opts.ports?.queryGrpc ?? (await freePort()),
  };
  mkdirSync(opts.stateDir, { recursive: true });
  const config = join(opts.stateDir, 'jaeger.yaml');
  writeFileSync(config, jaegerConfig(ports));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: opts.stateDir };
  const proc = new ManagedProcess('Jaeger', bin, [`--config=${config}`], opts.logFile, env, opts.stateDir);
  const queryUrl = `http://127.0.0.1:${ports.query}`;
  try {
    await waitFor(
      `Jaeger on ports ${ports.otlp} (OTLP) and ${ports.query} (query)`,
      async () => (await jaegerAnswers(queryUrl)) && (await canConnect(ports.otlp)),
      { timeoutMs: 60_000, intervalMs: 200, failFast: () => proc.deathNotice() },
    );
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { otlpUrl: `http://127.0.0.1:${ports.otlp}`, queryUrl, process: proc, stop: () => proc.stop() };
}

/** Where the Jaeger binary is (or will be) cached: whether {@link ensureJaeger} has anything left to build. */
export const jaegerBinaryPath = (): string => goToolPath(jaegerTool());
