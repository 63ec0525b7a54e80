import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import type { InstrumentationModuleFile } from '@opentelemetry/instrumentation';
import { contextFrom, inSpan, untraced } from './tracing.js';
import { recordEdgeSampledTraces, type RecordedTraces } from './tracing-testing.js';
import { bypassUnsampledCommands, SampledMongoDBInstrumentation, sampledOnly } from './tracing-mongodb.js';

/**
 * The MongoDB instrumentation under edge sampling (docs/design.md §11, "Cost"), with the instrumentation's
 * own patch of the driver's connection file applied to a stand-in for `mongodb/lib/cmap/connection.js`:
 * a command in a sampled trace gets its CLIENT span through the instrumentation's wrapper; one outside a
 * sampled trace goes straight to the driver's `command`, past that wrapper.
 */
let traces: RecordedTraces;
const instrumentation = new SampledMongoDBInstrumentation({ enabled: false });

/** What the driver's `command` saw: the span active when it ran, per call. */
const driverCalls: { span: boolean }[] = [];
class Connection {
  readonly id = 1;
  readonly address = '127.0.0.1:27017';
  command(_ns: unknown, _cmd: object): Promise<{ ok: 1 }> {
    driverCalls.push({ span: trace.getActiveSpan() !== undefined });
    return Promise.resolve({ ok: 1 });
  }
}
const ns = { db: 'shop', collection: 'products', toString: () => 'shop.products' };
let connection: Connection;

/** The instrumentation's patch of the connection file that applies to `version`. */
function connectionFile(version: string): InstrumentationModuleFile {
  const files = instrumentation
    .getModuleDefinitions()
    .flatMap((m) => m.files)
    .filter((f) => f.name === 'mongodb/lib/cmap/connection.js');
  // The definitions are ranges; the test picks the one that covers `version` by its lower bound.
  const promiseApi = Number(version.split('.')[1]) >= 4;
  const file = files.find((f) => f.supportedVersions.some((v) => v.startsWith('>=6.4') === promiseApi));
  if (!file) throw new Error(`no connection file definition for ${version}`);
  return file;
}

beforeAll(() => {
  traces = recordEdgeSampledTraces();
  instrumentation.setTracerProvider(trace.getTracerProvider());
  connectionFile('6.20.0').patch({ Connection }, '6.20.0');
  connection = new Connection();
});

afterAll(() => traces.stop());

async function find(): Promise<{ wrapperRan: boolean }> {
  const patchEnd = vi.spyOn(instrumentation as unknown as { _patchEnd: () => unknown }, '_patchEnd');
  try {
    await connection.command(ns, { find: 'products', filter: { slug: 'x' } });
    return { wrapperRan: patchEnd.mock.calls.length > 0 };
  } finally {
    patchEnd.mockRestore();
  }
}

describe('the MongoDB instrumentation under edge sampling', () => {
  it('a command in a sampled trace goes through the instrumentation and gets its span', async () => {
    traces.exporter.reset();
    driverCalls.length = 0;
    const seen = await inSpan('request', { newTrace: true }, () => find());
    expect(seen.wrapperRan).toBe(true);
    const spans = traces.exporter.getFinishedSpans();
    const command = spans.find((s) => s.name === 'find products');
    expect(command?.parentSpanContext?.spanId).toBe(spans.find((s) => s.name === 'request')?.spanContext().spanId);
    expect(driverCalls).toEqual([{ span: true }]);
  });

  it('a command outside any span, in an unsampled trace, or with tracing suppressed goes straight to the driver', async () => {
    traces.exporter.reset();
    driverCalls.length = 0;
    expect(await find()).toEqual({ wrapperRan: false });
    const unsampled = contextFrom({ traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-00` });
    expect(await context.with(unsampled, () => inSpan('unsampled request', {}, () => find()))).toEqual({ wrapperRan: false });
    expect(await inSpan('sampled request', { newTrace: true }, () => untraced(() => find()))).toEqual({ wrapperRan: false });
    expect(driverCalls).toHaveLength(3);
    expect(traces.exporter.getFinishedSpans().map((s) => s.name)).toEqual(['sampled request']);
  });

  it('refuses a prototype the instrumentation has not wrapped', () => {
    class Plain {
      command(): Promise<void> {
        return Promise.resolve();
      }
    }
    expect(() => bypassUnsampledCommands(Plain.prototype)).toThrow(/has not wrapped Connection.prototype.command/);
  });

  it('drops the session pool wrappers, and refuses definitions that no longer patch the connection file', () => {
    const names = instrumentation.getModuleDefinitions().flatMap((m) => m.files.map((f) => f.name));
    expect(names).toContain('mongodb/lib/cmap/connection.js');
    expect(names).not.toContain('mongodb/lib/sessions.js');
    expect(() => sampledOnly([])).toThrow(/no longer patches mongodb\/lib\/cmap\/connection.js/);
  });
});
