#!/usr/bin/env node
// Entry point of every npm script: makes sure pnpm and the dependencies are there, then runs the task.
// Plain JavaScript with no dependencies, because it runs before anything is installed.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).packageManager.split('@')[1];
const [task, ...args] = process.argv.slice(2);

const say = (msg) => process.stderr.write(`» ${msg}\n`);
function fail(msg) {
  process.stderr.write(`✗ ${msg}\n`);
  process.exit(1);
}
function sh(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.error) fail(`${cmd}: ${r.error.message}`);
  return r.status ?? 1;
}
function must(cmd, cmdArgs, opts) {
  const code = sh(cmd, cmdArgs, opts);
  if (code !== 0) process.exit(code);
}

const [major, minor] = process.versions.node.split('.').map(Number);
// As package.json's engines: the releases with require(esm) of each supported major (CI tests 20, 22, 24).
const supported = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 24;
if (!supported) fail(`Node ${process.versions.node} is not supported: install Node 24 (or 22.12+, 20.19+).`);

function pnpmVersion() {
  try {
    return execFileSync('pnpm', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}
if (pnpmVersion() !== PNPM_VERSION) {
  say(`installing pnpm ${PNPM_VERSION} (npm i -g)…`);
  must('npm', ['install', '--global', '--no-fund', '--no-audit', `pnpm@${PNPM_VERSION}`]);
}

// Reinstall only when the lockfile or a manifest changed since the last install.
function listManifests() {
  try {
    return execFileSync(
      'git',
      [
        'ls-files',
        '--cached',
        '--others',
        '--exclude-standard',
        'package.json',
        '*/package.json',
        '*/*/package.json',
        'pnpm-lock.yaml',
        'pnpm-workspace.yaml',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] },
    )
      .toString()
      .split('\n')
      .filter(Boolean)
      .sort();
  } catch {
    return ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml']; // not a git checkout
  }
}
const manifests = listManifests();
const digest = createHash('sha256');
for (const f of manifests) digest.update(f).update(readFileSync(join(ROOT, f)));
const stamp = join(ROOT, 'node_modules', '.shop-install-stamp');
const want = digest.digest('hex');
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== want) {
  say('installing dependencies (pnpm install)…');
  must('pnpm', ['install', '--frozen-lockfile', '--reporter=append-only']);
  writeFileSync(stamp, want);
}

// Workspace packages resolve to their TypeScript sources under tsx (see the "shop-source" export condition).
const tsxEnv = {
  ...process.env,
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=shop-source`.trim(),
  APOLLO_TELEMETRY_DISABLED: '1',
};

/**
 * Runs a TypeScript entry point in a child Node (tsx loader) and waits for it. SIGINT/SIGTERM sent to this
 * process are passed on (a Ctrl-C in a terminal reaches both; the child tolerates the repeat), so
 * `npm start` always stops its services, however it is stopped.
 */
function tsx(file, extra = []) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...extra], { cwd: ROOT, stdio: 'inherit', env: tsxEnv });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.once('error', (err) => fail(`${file}: ${err.message}`));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
// TypeScript projects (services, packages, the storefront's server), then the storefront's browser app (Vite).
const build = () => {
  must('pnpm', ['exec', 'tsc', '-b']);
  must('pnpm', ['--filter', '@shop/storefront', 'run', 'build']);
};

const tasks = {
  start: () => (build(), tsx('scripts/src/start.ts', args)),
  test: () => tsx('scripts/src/test.ts', args),
  'test:node': () => tsx('scripts/src/node-matrix.ts', args),
  build: () => (build(), 0),
  typecheck: () => sh('pnpm', ['exec', 'tsc', '-b']),
  lint: () => sh('pnpm', ['exec', 'eslint', '--max-warnings=0', '.']) || sh('pnpm', ['exec', 'prettier', '--check', '.']),
  format: () => sh('pnpm', ['exec', 'prettier', '--write', '.']),
  compose: () => tsx('scripts/src/compose.ts', args),
  codegen: () => sh('pnpm', ['exec', 'graphql-codegen', '--config', 'codegen.yml', ...args]),
  token: () => tsx('scripts/src/token.ts', args),
  keys: () => tsx('scripts/src/keys.ts', args),
  seed: () => tsx('scripts/src/seed.ts', args),
  bench: () => (build(), tsx('bench/run.ts', args)),
  chaos: () => (build(), tsx('scripts/src/chaos/index.ts', args)),
  cluster: () => (build(), tsx('scripts/src/cluster/index.ts', args)),
  // CPU and memory of each process under a purchase load (deploy/README.md "Resources").
  usage: () => (build(), tsx('scripts/src/usage.ts', args)),
  infra: () => tsx('scripts/src/start.ts', ['--infra-only', ...args]),
  dlq: () => tsx('packages/events/src/dlq-cli.ts', args),
  outbox: () => tsx('packages/events/src/outbox-cli.ts', args),
  trace: () => tsx('scripts/src/trace.ts', args),
  partner: () => tsx('scripts/src/partner.ts', args),
  'schema:check': () => tsx('scripts/src/schema-check.ts', args),
  'pq:manifest': () => tsx('scripts/src/persisted-queries.ts', args),
};
if (!tasks[task]) fail(`unknown task "${task}"; one of: ${Object.keys(tasks).join(', ')}`);
process.exit(await tasks[task]());
