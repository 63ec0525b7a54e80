/**
 * For tests: tracing in this process as a service with edge sampling runs it (docs/design.md §11, "Cost"),
 * every new trace drawn, the spans kept in memory instead of exported.
 */
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, ParentBasedSampler, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { setEdgeSampling } from './tracing.js';
import { DecidedAtTheEdge, SuppressionAwareTracerProvider } from './tracing-sampling.js';

export interface RecordedTraces {
  /** The spans ended so far (`getFinishedSpans()`), and `reset()`. */
  exporter: InMemorySpanExporter;
  /** Turns edge sampling off and unregisters the provider and the context manager. */
  stop: () => Promise<void>;
}

/**
 * Registers a tracer provider that samples as the tracing bootstrap's does at ratio 1 (a root server span
 * or a root marked as a new trace is recorded, any other root is not, children follow their parent) and
 * turns edge sampling on. Without the http instrumentation, a request served in the test's process runs
 * in no span: a request that was not sampled.
 */
export function recordEdgeSampledTraces(): RecordedTraces {
  const exporter = new InMemorySpanExporter();
  const provider = new SuppressionAwareTracerProvider({
    sampler: new ParentBasedSampler({ root: new DecidedAtTheEdge(1) }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  provider.register();
  setEdgeSampling(true);
  return {
    exporter,
    stop: async () => {
      setEdgeSampling(false);
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}
