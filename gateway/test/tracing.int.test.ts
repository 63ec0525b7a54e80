import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import { NodeTracerProvider, ParentBasedSampler, SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-node';
import { setEdgeSampling } from '@shop/kit';
import { closeGateways, post, startEdgeGateway } from './helpers.js';

/**
 * Under edge sampling the gateway runs an operation that was not sampled (no span around it) with
 * tracing suppressed once its body is read (docs/design.md §11, "Cost"): `@apollo/gateway`'s spans for it
 * are then constant no-ops that never reach the sampler. Without edge sampling the same operation's
 * spans do reach it, which shows that the gateway starts spans here at all.
 */
class CountingSampler implements Sampler {
  calls = 0;
  shouldSample(): SamplingResult {
    this.calls++;
    return { decision: SamplingDecision.NOT_RECORD };
  }
  toString(): string {
    return 'CountingSampler';
  }
}

const sampler = new CountingSampler();
const provider = new NodeTracerProvider({ sampler: new ParentBasedSampler({ root: sampler }) });
let url = '';

beforeAll(async () => {
  provider.register();
  url = await startEdgeGateway({});
});
afterAll(async () => {
  await closeGateways();
  setEdgeSampling(false);
  await provider.shutdown();
  trace.disable();
  context.disable();
});

async function samplerCallsFor(query: string): Promise<number> {
  const before = sampler.calls;
  const answer = await post(url, { query });
  expect(answer).toMatchObject({ status: 200, data: { __typename: 'Query' } });
  return sampler.calls - before;
}

describe('the gateway under edge sampling', () => {
  it("runs an unsampled operation with tracing suppressed: none of @apollo/gateway's spans reaches the sampler", async () => {
    setEdgeSampling(false);
    // Its root span reaches the sampler; the children of a span not sampled are decided by their parent.
    expect(await samplerCallsFor('query Unsuppressed { __typename }')).toBeGreaterThanOrEqual(1);
    setEdgeSampling(true);
    expect(await samplerCallsFor('query Suppressed { __typename }')).toBe(0);
  });
});
