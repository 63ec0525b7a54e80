/**
 * `SHOP_TRACING=jaeger npm start`: a Jaeger (built from the Go module proxy, @shop/harness) next to the
 * system, and the standard OpenTelemetry variables that point every process at it. Unset or empty:
 * no tracing, nothing changes. Any other value is refused before anything starts.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { canConnect, freePort, startJaeger, type JaegerInstance, type JaegerPorts } from '@shop/harness';

const setting = z
  .string()
  .trim()
  .optional()
  .transform((v) => v || undefined)
  .pipe(
    z
      .enum(['jaeger'], { error: (i) => `SHOP_TRACING must be "jaeger" (or unset for no tracing), not ${JSON.stringify(i.input)}` })
      .optional(),
  );

/** Reads `SHOP_TRACING`; throws a message naming the accepted value on anything else. */
export function tracingMode(env: NodeJS.ProcessEnv = process.env): 'jaeger' | undefined {
  const parsed = setting.safeParse(env.SHOP_TRACING);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

/** The variables every process of the system gets: OTLP/HTTP to this Jaeger, every trace kept. */
export function tracingEnv(jaeger: Pick<JaegerInstance, 'otlpUrl'>, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpUrl,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_TRACES_SAMPLER: env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on',
  };
}

/** Jaeger's usual ports (UI/query 16686, its gRPC 16685, OTLP/HTTP 4318) where free, else free ones. */
async function devPorts(): Promise<JaegerPorts> {
  const port = async (usual: number) => ((await canConnect(usual)) ? freePort() : usual);
  return { query: await port(16686), queryGrpc: await port(16685), otlp: await port(4318) };
}

/** Starts `npm start`'s Jaeger: state (its configuration) in `stateDir/jaeger`, log in `logs/jaeger.log`. */
export async function startDevJaeger(stateDir: string, logs: string): Promise<JaegerInstance> {
  return startJaeger({ stateDir: join(stateDir, 'jaeger'), logFile: join(logs, 'jaeger.log'), ports: await devPorts() });
}
