import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Workspace packages resolve to their TypeScript sources in tests: no build needed to run them. */
const alias = [
  // One graphql realm: Vite would pick graphql's ESM build while Apollo's CommonJS requires the CJS one.
  { find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') },
  { find: /^@shop\/(kit|money|harness)$/, replacement: `${root}packages/$1/src/index.ts` },
  { find: /^@shop\/events$/, replacement: `${root}packages/events/src/index.ts` },
  { find: /^@shop\/product$/, replacement: `${root}subgraphs/product/src/lib.ts` },
  { find: /^@shop\/cart$/, replacement: `${root}subgraphs/cart/src/lib.ts` },
  { find: /^@shop\/order$/, replacement: `${root}subgraphs/order/src/lib.ts` },
  { find: /^@shop\/payment$/, replacement: `${root}subgraphs/payment/src/lib.ts` },
  { find: /^@shop\/payment\/provider$/, replacement: `${root}subgraphs/payment/src/provider/index.ts` },
  { find: /^@shop\/invoice$/, replacement: `${root}subgraphs/invoice/src/lib.ts` },
  { find: /^@shop\/invoice\/testing$/, replacement: `${root}subgraphs/invoice/test/helpers.ts` },
  { find: /^@shop\/invoice-renderer$/, replacement: `${root}workers/invoice-renderer/src/lib.ts` },
  { find: /^@shop\/gateway$/, replacement: `${root}gateway/src/lib.ts` },
  { find: /^@shop\/payment-sandbox$/, replacement: `${root}sandboxes/payment/src/lib.ts` },
  { find: /^@shop\/sms-sandbox$/, replacement: `${root}sandboxes/sms/src/lib.ts` },
  { find: /^@shop\/identity-sandbox$/, replacement: `${root}sandboxes/identity/src/lib.ts` },
  { find: /^@shop\/identity-sandbox\/testing$/, replacement: `${root}sandboxes/identity/test/helpers.ts` },
  { find: /^@shop\/sandbox-kit$/, replacement: `${root}sandboxes/kit/src/index.ts` },
  { find: /^@shop\/messaging$/, replacement: `${root}workers/messaging/src/lib.ts` },
  { find: /^@shop\/messaging\/testing$/, replacement: `${root}workers/messaging/test/helpers.ts` },
];

// Never reach beyond loopback from a test, whatever the machine's environment says.
const env = { APOLLO_TELEMETRY_DISABLED: '1', NODE_ENV: 'test', LOG_LEVEL: 'silent' };

export default defineConfig({
  resolve: { alias },
  test: {
    env,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{packages,subgraphs,gateway,workers,scripts,sandboxes,storefront}/**/src/**/*.test.ts', 'bench/*.test.ts'],
          exclude: ['**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['{packages,subgraphs,gateway,workers,sandboxes,storefront,scripts}/**/test/**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['packages/harness/src/vitest-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Tests that freeze a process with SIGSTOP. npm test runs them after the strace'd suite, untraced:
        // strace -f can die on the group-stop of a multi-threaded tracee (PTRACE_LISTEN: EIO), which ends the
        // whole traced run (scripts/src/test.ts).
        extends: true,
        test: {
          name: 'sigstop',
          include: ['{packages,subgraphs,gateway,workers}/**/test/**/*.sigstop.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['packages/harness/src/vitest-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.ts'],
          globalSetup: ['packages/harness/src/vitest-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: { name: 'audit', include: ['scripts/audit/*.audit.ts'] },
      },
      {
        // The bounded chaos run (`npm run chaos -- --bounded`): the whole system, minutes long, run alone.
        extends: true,
        test: {
          name: 'chaos',
          include: ['scripts/chaos/*.chaos.ts'],
          testTimeout: 60_000,
          hookTimeout: 20 * 60_000,
        },
      },
      {
        // The bounded cluster run (`npm run cluster -- --bounded`): two replicas of everything, run alone.
        extends: true,
        test: {
          name: 'cluster',
          include: ['scripts/cluster/*.cluster.ts'],
          testTimeout: 60_000,
          hookTimeout: 15 * 60_000,
        },
      },
    ],
  },
});
