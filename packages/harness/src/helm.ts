import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureGoTool } from './go-build.js';
import { ROOT } from './paths.js';

const WRAPPER = join(ROOT, 'tools', 'helm');

/** The Helm version the wrapper module pins, read from its go.mod. */
export function helmVersion(): string {
  const gomod = readFileSync(join(WRAPPER, 'go.mod'), 'utf8');
  const m = /helm\.sh\/helm\/v4 (v[\d.]+)/.exec(gomod);
  if (!m?.[1]) throw new Error(`cannot find the helm.sh/helm/v4 version in ${WRAPPER}/go.mod`);
  return m[1];
}

/**
 * Returns a Helm 4 binary (`helm lint`, `helm template` of deploy/), building it from the Go module
 * proxy through the committed wrapper module tools/helm the first time and caching it outside git
 * like FerretDB. `npm test` starts this build early (scripts/src/suite-needs.ts) so that it overlaps
 * the Debian installs; a test calling it afterwards gets the cached binary.
 */
export function ensureHelm(): Promise<string> {
  const version = helmVersion();
  const buildArgs = ['build', '-trimpath', '-ldflags', `-s -w -X helm.sh/helm/v4/internal/version.version=${version}`];
  return ensureGoTool({
    label: `Helm ${version}`,
    name: `helm-${version}`,
    dir: WRAPPER,
    files: ['go.mod', 'go.sum', 'main.go'],
    // -s -w: no symbol tables (a smaller cached file); the version as a release build sets it.
    args: buildArgs,
    target: '.',
    expected: 'a few minutes on two cores',
    missingGo: 'Go (>= 1.24) is needed to build Helm (tools/helm): install Go to run helm lint and helm template on deploy/',
  });
}
