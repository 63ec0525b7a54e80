// ESLint flat config: typescript-eslint type-checked rules, floating promises as errors, no console in
// production source, no imports of packages a workspace package does not declare, and the boundaries
// between layers (README "Boundaries"): no import cycles, packages never import services, a service
// never imports a sandbox or another service, production code never imports test code, tests reach
// another package only through its declared exports, source files stay under 300 lines.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';

const root = import.meta.dirname;

/** Production source: what the services and packages run (unit tests beside it excluded). */
const SOURCE = ['{packages,subgraphs,workers,sandboxes}/*/src/**/*.ts', 'gateway/src/**/*.ts', 'storefront/server/**/*.ts'];
/** The storefront's browser app (React, .tsx): a client of the public API like any other. */
const STOREFRONT = ['storefront/src/**/*.{ts,tsx}'];
const TESTS = ['**/test/**', '**/*.test.ts', 'e2e/**', 'bench/**'];
const sourceOf = (dir) => `${dir}/src/**/!(*.test).ts`;
const dirsIn = (parent) =>
  readdirSync(`${root}/${parent}`, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `${parent}/${d.name}`);
/** Every deployable service (its folder); sandboxes are stand-ins for third parties, not services. */
const SERVICES = [...dirsIn('subgraphs'), 'gateway', ...dirsIn('workers')];
const SANDBOXES = dirsIn('sandboxes');
/** What a sandbox may import of a service: the contract the service's adapter defines for the provider. */
const PROVIDER_CONTRACTS = [`${root}/subgraphs/payment/src/provider/**`];

export const boundaries = [
  {
    target: 'packages/**',
    from: [...SERVICES, ...SANDBOXES].map((d) => `${d}/**`),
    message: 'A package never imports a service or sandbox: shared code lives in packages/, services use it.',
  },
  ...SERVICES.map((service) => ({
    target: sourceOf(service),
    from: [...SERVICES.filter((s) => s !== service), ...SANDBOXES].map((d) => `${d}/**`),
    message:
      'A service never imports a sandbox or another service: shared code goes to packages/, calls go over GraphQL or events; a provider contract belongs to the service that calls the provider.',
  })),
  ...SANDBOXES.map((sandbox) => ({
    target: sourceOf(sandbox),
    from: [...SERVICES, ...SANDBOXES.filter((s) => s !== sandbox && s !== 'sandboxes/kit')].map((d) => `${d}/**`),
    except: PROVIDER_CONTRACTS,
    message:
      'A sandbox implements a provider contract (e.g. @shop/payment/provider) and uses @shop/sandbox-kit; nothing else of a service.',
  })),
  {
    target: 'storefront/**',
    from: [...SERVICES, ...SANDBOXES, 'packages'].map((d) => `${d}/**`),
    message: 'The storefront is a client of the public API: it talks to the gateway over HTTP and imports no service, sandbox or package.',
  },
  {
    target: SOURCE.map((glob) => glob.replace('**/*.ts', '**/!(*.test).ts')),
    from: TESTS,
    message: 'Production code never imports test code (test/, *.test.ts, e2e/, bench/).',
  },
];

// Imports resolve as tsx and vitest run them: `./x.js` is `./x.ts`, workspace packages are their sources
// (the "shop-source" export condition), so the rules see the real files even unbuilt.
export const importSettings = {
  'import-x/resolver-next': [
    createNodeResolver({
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.json', '.node'],
      extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
      conditionNames: ['shop-source', 'import', 'default'],
    }),
  ],
  'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
  'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
};

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/__generated__/**', '.cache/**', 'coverage/**', 'tools/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: importSettings,
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'import-x/no-extraneous-dependencies': ['error', { includeTypes: true }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-relative-packages': 'error',
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: boundaries }],
    },
  },
  {
    files: SOURCE,
    ignores: TESTS,
    rules: { 'no-console': 'error' },
  },
  {
    files: STOREFRONT,
    ignores: TESTS,
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-console': 'error', 'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: false }] },
  },
  {
    // Source, not tests and not generated code: past 300 lines a file holds more than one responsibility.
    // Blank lines are formatting and do not count; comments count, they are read too.
    files: [...SOURCE, 'scripts/src/**/*.ts'],
    ignores: TESTS,
    rules: { 'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: false }] },
  },
  {
    // Tests, scripts and benchmarks work with loosely typed GraphQL JSON on purpose.
    files: ['**/test/**/*.ts', '**/*.test.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
