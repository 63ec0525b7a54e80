import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '@shop/harness';

describe('the workspace', () => {
  it('resolves exactly one copy of graphql (two copies break Apollo with "another module or realm")', () => {
    const lock = parse(readFileSync(join(ROOT, 'pnpm-lock.yaml'), 'utf8')) as { packages: Record<string, unknown> };
    const graphqls = Object.keys(lock.packages).filter((k) => /^graphql@\d/.test(k));
    expect(graphqls).toEqual(['graphql@16.15.0']);
    const installed = readdirSync(join(ROOT, 'node_modules', '.pnpm')).filter((d) => /^graphql@\d/.test(d));
    expect(installed).toEqual(['graphql@16.15.0']);
  });

  it('pins pnpm in packageManager to the version the bootstrap installs', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { packageManager: string };
    expect(pkg.packageManager).toMatch(/^pnpm@10\.\d+\.\d+$/);
  });

  it('commits only go.mod, go.sum and the launcher of the FerretDB wrapper, never a binary', () => {
    expect(readdirSync(join(ROOT, 'tools', 'ferretdb')).sort()).toEqual(['go.mod', 'go.sum', 'main.go']);
    expect(readFileSync(join(ROOT, 'tools', 'ferretdb', 'go.mod'), 'utf8')).toContain('github.com/FerretDB/FerretDB v1.24.2');
  });

  it('commits only go.mod and go.sum of the Jaeger wrapper, which records Jaeger v1.75.0 as its tool', () => {
    expect(readdirSync(join(ROOT, 'tools', 'jaeger')).sort()).toEqual(['go.mod', 'go.sum']);
    const gomod = readFileSync(join(ROOT, 'tools', 'jaeger', 'go.mod'), 'utf8');
    expect(gomod).toContain('github.com/jaegertracing/jaeger v1.75.0');
    expect(gomod).toMatch(/^tool github\.com\/jaegertracing\/jaeger\/cmd\/jaeger$/m);
  });
});
