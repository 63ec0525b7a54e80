import { fileURLToPath, pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The boundary zones of eslint.config.js, run on import lines placed (virtually) in real folders, so a
// zone that stops matching (a renamed folder, a glob typo, a resolver that no longer finds sources) fails
// here instead of silently letting everything through.
const root = fileURLToPath(new URL('../..', import.meta.url));
let eslint: ESLint;

beforeAll(async () => {
  const config = await import(pathToFileURL(`${root}eslint.config.js`).href);
  eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { 'import-x': importX },
        settings: config.importSettings,
        rules: {
          'import-x/no-restricted-paths': ['error', { basePath: root, zones: config.boundaries }],
          'import-x/no-relative-packages': 'error',
        },
      },
    ],
  });
});

/** The rules that fire on `code` as if it were the file `path`. */
async function violations(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  return result!.messages.map((m) => m.ruleId ?? 'none');
}

describe('lint boundaries', () => {
  it.each([
    ['a package imports a service', 'packages/kit/src/fixture.ts', "import '@shop/order';"],
    ['a package imports a sandbox', 'packages/harness/src/fixture.ts', "import '@shop/payment-sandbox';"],
    ['a service imports a sandbox', 'subgraphs/payment/src/fixture.ts', "import '@shop/payment-sandbox';"],
    // No service declares @shop/sandbox-kit, so the bare name does not resolve (and a zone needs a
    // resolved path): the path form is what a service would have to write.
    ['a service imports the sandbox kit', 'subgraphs/payment/src/fixture.ts', "import '../../../sandboxes/kit/src/index.js';"],
    ['the gateway imports a subgraph', 'gateway/src/fixture.ts', "import '@shop/order';"],
    ['a worker imports a subgraph', 'workers/messaging/src/fixture.ts', "import '@shop/invoice';"],
    ['production imports test code', 'subgraphs/order/src/fixture.ts', "import '../test/helpers.js';"],
    ['production imports a unit test', 'subgraphs/order/src/fixture.ts', "import './domain.test.js';"],
    ['a sandbox imports more of a service than its contract', 'sandboxes/payment/src/fixture.ts', "import '@shop/payment';"],
    ['a sandbox imports another sandbox', 'sandboxes/sms/src/fixture.ts', "import '@shop/payment-sandbox';"],
  ])('refuses: %s', async (_name, path, code) => {
    expect(await violations(path, code)).toContain('import-x/no-restricted-paths');
  });

  it('refuses a relative path into another package, even from a test', async () => {
    const found = await violations('workers/invoice-renderer/test/fixture.ts', "import '../../../gateway/src/config.js';");
    expect(found).toEqual(['import-x/no-relative-packages']);
  });

  it.each([
    ['a sandbox imports the contract it implements', 'sandboxes/payment/src/fixture.ts', "import '@shop/payment/provider';"],
    ['a sandbox imports the sandbox kit', 'sandboxes/sms/src/fixture.ts', "import '@shop/sandbox-kit';"],
    ['a service imports its own provider contract', 'subgraphs/payment/src/fixture.ts', "import './provider/index.js';"],
    ['a service imports a package', 'subgraphs/order/src/fixture.ts', "import '@shop/events';"],
    ['a service test starts a sandbox', 'subgraphs/payment/test/fixture.ts', "import '@shop/payment-sandbox';"],
    ['a unit test imports test helpers', 'subgraphs/order/src/fixture.test.ts', "import '../test/helpers.js';"],
    ['a worker test uses the gateway through its exports', 'workers/invoice-renderer/test/fixture.ts', "import '@shop/gateway';"],
  ])('allows: %s', async (_name, path, code) => {
    expect(await violations(path, code)).toEqual([]);
  });
});
