import { describe, expect, it } from 'vitest';
import { codeShare, startupNodes, topSelfTime, type CpuProfile } from './cpuprofile.js';

const ROOT = '/repo';
const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });

/**
 * (root) → handler (gateway) → startSpan (@opentelemetry) → hook (node:internal/async_hooks) → get (a
 * builtin, no source); handler → parse (graphql); (idle). Samples: 1 in hook, 1 in get, 1 in startSpan,
 * 3 in parse, 4 idle; 1 ms each.
 */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 6] },
    { id: 2, callFrame: frame('handler', 'file:///repo/gateway/dist/server.js'), children: [3, 5] },
    {
      id: 3,
      callFrame: frame(
        'startSpan',
        'file:///repo/node_modules/.pnpm/@opentelemetry+sdk-trace-base@2.12.1/node_modules/@opentelemetry/sdk-trace-base/build/src/Tracer.js',
      ),
      children: [4],
    },
    { id: 4, callFrame: frame('promiseInitHook', 'node:internal/async_hooks'), children: [7] },
    { id: 5, callFrame: frame('parse', 'file:///repo/node_modules/.pnpm/graphql@16.11.0/node_modules/graphql/language/parser.js') },
    { id: 6, callFrame: frame('(idle)', '') },
    { id: 7, callFrame: frame('get', '') },
  ],
  samples: [4, 7, 3, 5, 5, 5, 6, 6, 6, 6],
  // A sample's duration is the next sample's delta: 1 ms each, the last one none.
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
  startTime: 0,
  endTime: 10_000,
};

describe('codeShare', () => {
  it('gives each sample to the nearest frame with a source, a builtin to its caller, idle left out', () => {
    expect(codeShare(profile, ROOT, (url) => url === 'node:internal/async_hooks')).toEqual({ total: 6, matched: 2 });
    expect(codeShare(profile, ROOT, (url) => url.startsWith('@opentelemetry/'))).toEqual({ total: 6, matched: 1 });
    expect(codeShare(profile, ROOT, (url) => url.startsWith('graphql/'))).toEqual({ total: 6, matched: 3 });
    // Not inclusive: the handler above everything has no sample of its own.
    expect(codeShare(profile, ROOT, (url) => url.startsWith('gateway/'))).toEqual({ total: 6, matched: 0 });
  });
});

describe('startupNodes', () => {
  /**
   * (root) → run (ESM module_job) → (module body, gateway) → startSpan (@opentelemetry): module loading;
   * (root) → handler (gateway) → startSpan (@opentelemetry): serving. 3 samples in the loading startSpan,
   * 1 in the serving one, 1 in the serving handler, then (idle); 1 ms each.
   */
  const otel = 'file:///repo/node_modules/.pnpm/@opentelemetry+api@1.9.1/node_modules/@opentelemetry/api/build/src/trace.js';
  const p: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 5, 7] },
      { id: 2, callFrame: frame('run', 'node:internal/modules/esm/module_job'), children: [3] },
      { id: 3, callFrame: frame('', 'file:///repo/gateway/dist/index.js'), children: [4] },
      { id: 4, callFrame: frame('startSpan', otel) },
      { id: 5, callFrame: frame('handler', 'file:///repo/gateway/dist/server.js'), children: [6] },
      { id: 6, callFrame: frame('startSpan', otel) },
      { id: 7, callFrame: frame('(idle)', '') },
    ],
    samples: [4, 4, 4, 6, 5, 7],
    timeDeltas: [0, 1000, 1000, 1000, 1000, 1000],
    startTime: 0,
    endTime: 6_000,
  };

  it('marks every node under a module loader frame, and nothing else', () => {
    expect([...startupNodes(p)].sort()).toEqual([2, 3, 4]);
  });

  it('lets the shares leave loading out', () => {
    const isOtel = (url: string) => url.startsWith('@opentelemetry/');
    expect(codeShare(p, ROOT, isOtel)).toEqual({ total: 5, matched: 4 });
    expect(codeShare(p, ROOT, isOtel, startupNodes(p))).toEqual({ total: 2, matched: 1 });
    expect(topSelfTime(p, ROOT, 5, startupNodes(p))).toEqual({
      total: 2,
      top: [
        { frame: 'startSpan @opentelemetry/api/build/src/trace.js:1', ms: 1 },
        { frame: 'handler gateway/dist/server.js:1', ms: 1 },
      ],
    });
  });
});
