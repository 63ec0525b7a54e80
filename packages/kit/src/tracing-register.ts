/**
 * The tracing bootstrap (docs/design.md §11): imported first by every process entry
 * (`import '@shop/kit/tracing'`), before anything loads `http`, `mongodb` or `undici`, so the
 * instrumentations can wrap them. It reads the standard OpenTelemetry variables and does nothing at all
 * (no SDK, no hooks, no cost) unless an OTLP endpoint is set or `OTEL_TRACES_EXPORTER=otlp`:
 *
 * - `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`: where spans go (OTLP http/protobuf;
 *   `OTEL_EXPORTER_OTLP_PROTOCOL=http/json` for JSON);
 * - `OTEL_SERVICE_NAME`: default the process's package folder (`subgraphs/order/…` → `order`);
 * - `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`: read by the SDK (default: parent-based, always on);
 * - `OTEL_BSP_SCHEDULE_DELAY`: how long spans are batched before they are sent (default 1000 ms).
 *
 * Trace headers carry no authority: the signed caller context stays the only identity.
 */
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { BatchSpanProcessor, ParentBasedSampler } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import type * as Http from 'node:http';
import {
  currentTraceCarrier,
  mongoStatement,
  outsideSampledTrace,
  setEdgeSampling,
  setTracingFlush,
  tracingWanted,
  unsampledTraceparent,
} from './tracing.js';
import {
  bypassUntracedOutgoing,
  bypassUntracedRequests,
  DecidedAtTheEdge,
  exportDelayMs,
  hasHeader,
  rootSamplingRatio,
  SuppressionAwareTracerProvider,
  untracedIncoming,
} from './tracing-sampling.js';
import { SampledMongoDBInstrumentation } from './tracing-mongodb.js';

/** `…/subgraphs/order/dist/index.js` or `…/src/index.ts` → `order`. */
function defaultServiceName(entry: string | undefined): string {
  if (!entry) return 'shop';
  const dir = dirname(dirname(entry));
  return basename(dir) || 'shop';
}

function startTracing(env: NodeJS.ProcessEnv): void {
  const json = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL === 'http/json' || env.OTEL_EXPORTER_OTLP_PROTOCOL === 'http/json';
  // Both exporters read the OTEL_EXPORTER_OTLP_* endpoint, headers and timeout themselves.
  const exporter = json ? new JsonExporter() : new ProtobufExporter();
  const ratio = rootSamplingRatio(env);
  const provider = new SuppressionAwareTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? defaultServiceName(process.argv[1]) }),
    // Without a sampler here the SDK reads OTEL_TRACES_SAMPLER itself (samplers we do not decide early).
    ...(ratio === undefined ? {} : { sampler: new ParentBasedSampler({ root: new DecidedAtTheEdge(ratio) }) }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: exportDelayMs(env) })],
  });
  provider.register();
  setEdgeSampling(ratio !== undefined);
  // What a call outside a sampled trace carries instead of being instrumented: the unsampled span's
  // traceparent, or fresh unsampled ids.
  const notSampled = () => currentTraceCarrier()?.traceparent ?? unsampledTraceparent();
  registerInstrumentations({
    instrumentations: [
      // Health probes and scrapes would be most of the spans and none of the story. With edge sampling an
      // unsampled request does not reach this instrumentation at all (bypassUntracedRequests below); its
      // outgoing calls skip the instrumentation but say "not sampled" downstream.
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => untracedIncoming(req, undefined),
        ignoreOutgoingRequestHook: (opts) => {
          if (!outsideSampledTrace()) return false;
          const headers = (opts.headers ??= {}) as Record<string, unknown>;
          if (!Array.isArray(headers) && headers.traceparent === undefined) headers.traceparent = notSampled();
          return true;
        },
      }),
      new UndiciInstrumentation({
        ignoreRequestHook: (request) => {
          if (!outsideSampledTrace()) return false;
          if (!hasHeader(request.headers, 'traceparent')) request.addHeader('traceparent', notSampled());
          return true;
        },
      }),
      // A command outside a sampled trace goes straight to the driver; the statement is serialized only
      // for sampled spans (see mongoStatement).
      new SampledMongoDBInstrumentation({ dbStatementSerializer: mongoStatement }),
    ],
  });
  // ESM imports of `node:http` do not pass through require hooks: requiring it once here lets the
  // instrumentation patch the shared module object before any server or client is made.
  const require = createRequire(import.meta.url);
  const http = require('node:http') as typeof Http;
  const https = require('node:https') as typeof Http;
  if (ratio !== undefined) {
    const untraced = (req: Http.IncomingMessage) => untracedIncoming(req, ratio);
    bypassUntracedRequests(http.Server.prototype, untraced);
    bypassUntracedRequests(https.Server.prototype, untraced);
  }
  // A request made outside a sampled trace goes past the client wrapper, its traceparent added here
  // instead of by the ignore hook above (which still decides the forms the bypass leaves to it).
  bypassUntracedOutgoing(http, notSampled);
  bypassUntracedOutgoing(https, notSampled);
  // Spans still buffered go out before the process ends (onShutdown's last step before process.exit).
  setTracingFlush(() => provider.shutdown());
}

// Synchronous on purpose: a top-level await here would let the entry's other imports (express, mongoose)
// run before the instrumentations are in place.
if (tracingWanted(process.env)) startTracing(process.env);
