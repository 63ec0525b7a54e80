import { execFileSync } from 'node:child_process';
import { run } from './process.js';

function installed(pkg: string): boolean {
  try {
    const out = execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], { stdio: ['ignore', 'pipe', 'ignore'] });
    return out.toString().includes('install ok installed');
  } catch {
    return false;
  }
}

let updated = false;

/**
 * Installs the Debian packages that are missing (root only). `reason` says in the progress line
 * why they are needed; without root the error tells the user the exact command to run.
 */
export async function ensureDebianPackages(packages: readonly string[], reason: string): Promise<void> {
  const missing = packages.filter((p) => !installed(p));
  if (missing.length === 0) return;
  const cmd = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`${reason} needs Debian packages that are not installed. Run as root: ${cmd}`);
  }
  process.stderr.write(`» installing ${missing.join(', ')} (${reason})…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!updated) {
    await run('apt-get', ['update', '-qq'], { env, quiet: true });
    updated = true;
  }
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env, quiet: true });
  process.stderr.write(`» installed ${missing.join(', ')}\n`);
}

export function which(bin: string): string | undefined {
  try {
    return (
      execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim() || undefined
    );
  } catch {
    return undefined;
  }
}
