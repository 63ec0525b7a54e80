import { z } from 'zod';
import { attachEvents, runService, startServiceConsumers } from '../src/index.js';

/**
 * A service as small as the runner allows, for runner.int.test.ts: one durable consumer
 * (`runner-test--order-paid`) whose handler does nothing. The test decides what happens to it.
 */
const env = z.object({ NATS_URL: z.string().min(1) }).parse(process.env);

runService({
  name: 'runner-test',
  loadConfig: () => ({ NODE_ENV: 'test', LOG_LEVEL: 'info', NATS_URL: env.NATS_URL }),
  start: async ({ log, nats }) => {
    const nc = await nats();
    const consumers = await attachEvents(nc, [], () =>
      startServiceConsumers(
        'runner-test',
        { nc, config: { RETRY_BASE_DELAY_MS: 50, RETRY_MAX_DELAY_MS: 200, RETRY_BUDGET: 150 }, log },
        { 'shop.order.paid.v1': async () => {} },
      ),
    );
    return { consumers, stop: [['stop consumers', () => Promise.all(consumers.map((c) => c.stop()))]] };
  },
});
