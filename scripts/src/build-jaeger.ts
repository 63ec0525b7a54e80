/**
 * Builds (or finds cached) the Jaeger binary of `SHOP_TRACING=jaeger` and prints its path. `npm test`
 * runs it in the background before the suite (suite-needs.ts), so the build overlaps the tests.
 */
import { ensureJaeger } from '@shop/harness';

process.stdout.write(`${await ensureJaeger()}\n`);
