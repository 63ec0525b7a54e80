import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';

/** A state file that exists but cannot be used: not JSON, or not what the schema describes. */
export class StateFileError extends Error {
  constructor(
    readonly path: string,
    readonly problems: readonly string[],
  ) {
    super(`${path}: not a valid state file (refusing to start empty over it)\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'StateFileError';
  }
}

/**
 * One JSON document on disk that a process keeps its state in (a sandbox's books). `save` is synchronous
 * and atomic: it writes a temporary file next to it, flushes it, and renames it over the old one, so a
 * SIGKILL at any moment leaves either the previous document or the new one, never half of each.
 */
export class JsonStateFile<S extends z.ZodType> {
  constructor(
    readonly path: string,
    private readonly schema: S,
  ) {}

  /** The saved state, or undefined when there is none yet (the directory is created). Throws `StateFileError` on anything invalid. */
  load(): z.infer<S> | undefined {
    mkdirSync(dirname(this.path), { recursive: true });
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new StateFileError(this.path, [`not JSON: ${err instanceof Error ? err.message : String(err)}`]);
    }
    const result = this.schema.safeParse(json);
    if (!result.success) {
      throw new StateFileError(
        this.path,
        result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      );
    }
    return result.data;
  }

  save(state: z.input<S>): void {
    const temp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(state)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.path);
  }
}
