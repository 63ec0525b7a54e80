/**
 * Just enough of a Dockerfile reader for scripts/src/compose-file.test.ts to check what each stage
 * holds and runs: instructions (comments dropped, `\` continuations joined) grouped by stage, with the
 * settings a stage inherits from the stage it is built `FROM`. No variable expansion except ARG
 * defaults, which `argDefault` returns as written.
 */
import { readFileSync } from 'node:fs';

export interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuations joined with a space. */
  args: string;
}

export interface Stage {
  name: string | undefined;
  /** The image or earlier stage it starts from. */
  from: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw)) continue; // a comment, also between continued lines
    const continued = /\\\s*$/.test(raw);
    pending += `${continued ? raw.replace(/\\\s*$/, '') : raw} `;
    if (!continued) {
      if (pending.trim()) lines.push(pending.trim().replace(/\s+/g, ' '));
      pending = '';
    }
  }
  if (pending.trim()) lines.push(pending.trim().replace(/\s+/g, ' '));

  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(' ');
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!from) throw new Error(`Dockerfile: cannot read "${line}"`);
      stages.push({ from: from[1]!, name: from[2], instructions: [] });
    } else if (stages.length) {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

export function readDockerfile(path: string): Stage[] {
  return parseDockerfile(readFileSync(path, 'utf8'));
}

/** The stage and the stages it is built FROM, nearest first. */
export function lineage(stages: Stage[], name: string): Stage[] {
  const chain: Stage[] = [];
  let stage = stages.find((s) => s.name === name);
  while (stage && !chain.includes(stage)) {
    chain.push(stage);
    const parent = stage.from;
    stage = stages.find((s) => s.name === parent);
  }
  return chain;
}

/** Instructions of a stage including those it inherits, in the order they run. */
export function effectiveInstructions(stages: Stage[], name: string): Instruction[] {
  return lineage(stages, name)
    .reverse()
    .flatMap((s) => s.instructions);
}

/** The last CMD in effect for a stage, in JSON (exec) form. */
export function effectiveCmd(stages: Stage[], name: string): string[] | undefined {
  const cmd = effectiveInstructions(stages, name)
    .filter((i) => i.keyword === 'CMD')
    .at(-1);
  return cmd ? (JSON.parse(cmd.args) as string[]) : undefined;
}

/** The WORKDIR in effect at the end of a stage (absolute paths only). */
export function effectiveWorkdir(stages: Stage[], name: string): string | undefined {
  return effectiveInstructions(stages, name)
    .filter((i) => i.keyword === 'WORKDIR')
    .at(-1)?.args;
}

/** `COPY --from=<stage> <source> <destination>` instructions of a stage and its ancestors. */
export function copiesFrom(stages: Stage[], name: string, from: string): { source: string; destination: string }[] {
  return effectiveInstructions(stages, name)
    .filter((i) => i.keyword === 'COPY')
    .map((i) => i.args.split(' '))
    .filter((words) => words.includes(`--from=${from}`))
    .map((words) => words.filter((w) => !w.startsWith('--')))
    .filter((paths) => paths.length === 2)
    .map(([source, destination]) => ({ source: source!, destination: destination! }));
}

/** The default value of `ARG name=…` in a stage, quotes removed. */
export function argDefault(stage: Stage, name: string): string | undefined {
  const arg = stage.instructions.find((i) => i.keyword === 'ARG' && i.args.startsWith(`${name}=`));
  return arg?.args.slice(name.length + 1).replace(/^"(.*)"$/, '$1');
}
