/**
 * Reading a V8 `.cpuprofile` (what `--cpu-prof` and the inspector's Profiler domain write): self time
 * per function, and self time per component of this repository (which subgraph, the gateway, the load
 * generator…) found by walking each sample's stack up to the nearest frame of ours (stacks that start in
 * an I/O callback carry none: those samples are named by the library they run in).
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  frame: string;
  ms: number;
}

const shortUrl = (root: string, url: string) => {
  if (!url) return '';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const rel = path.startsWith(root) ? relative(root, path) : path;
  // node_modules/.pnpm/<pkg>@<version>/node_modules/<pkg>/… → <pkg>/…
  return rel.replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '');
};

/**
 * The component a frame belongs to, or undefined for library and runtime frames. Workspace packages
 * (`packages/*`) are shared by every service, so they name a component only when nothing above them does.
 */
function componentOf(root: string, url: string): { name: string; shared: boolean } | undefined {
  const rel = shortUrl(root, url);
  const own = /^(subgraphs|workers|sandboxes)\/([^/]+)\//.exec(rel);
  if (own) return { name: own[2]!, shared: false };
  if (rel.startsWith('gateway/')) return { name: 'gateway', shared: false };
  if (rel.startsWith('autocannon/') || rel.startsWith('bench/')) return { name: 'load generator (bench)', shared: false };
  const pkg = /^packages\/([^/]+)\//.exec(rel);
  if (pkg) return { name: `packages/${pkg[1]!}`, shared: true };
  return undefined;
}

/** Each node's parent, and the nodes by id. */
function tree(p: CpuProfile): { parent: Map<number, number>; byId: Map<number, CpuProfile['nodes'][number]> } {
  const parent = new Map<number, number>();
  for (const node of p.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  return { parent, byId: new Map(p.nodes.map((node) => [node.id, node])) };
}

/**
 * Frames that only run while a process loads code: Node's CommonJS and ES module loaders (resolving,
 * reading, compiling and evaluating modules, the entry point's own start). A sample with one of them on
 * its stack is loading, not serving.
 */
const LOADING = /^node:internal\/modules\//;

/**
 * The profile's nodes whose stack passes through module loading (see LOADING): with `--cpu-prof` a
 * profile covers the whole run, and start-up would otherwise dominate the share of a library that is
 * loaded at start but cheap per request. Pass it as `skip` to the functions below to read only the
 * steady state.
 */
export function startupNodes(p: CpuProfile): Set<number> {
  const { parent, byId } = tree(p);
  const memo = new Map<number, boolean>();
  const loading = (id: number): boolean => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const up = parent.get(id);
    const result = LOADING.test(byId.get(id)?.callFrame.url ?? '') || (up !== undefined && loading(up));
    memo.set(id, result);
    return result;
  };
  return new Set(p.nodes.filter((node) => loading(node.id)).map((node) => node.id));
}

/** Self time in ms of each sample (V8: a sample's duration is the next sample's delta). */
function sampleDurations(p: CpuProfile): number[] {
  return p.samples.map((_, i) => (p.timeDeltas[i + 1] ?? 0) / 1000);
}

/** Top self-time functions, keyed by function name and source location; `(idle)` and the nodes in `skip` left out. */
export function topSelfTime(
  p: CpuProfile,
  root: string,
  n = 10,
  skip: ReadonlySet<number> = new Set(),
): { total: number; top: SelfTime[] } {
  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const durations = sampleDurations(p);
  let total = 0;
  p.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)' || skip.has(id)) return;
    const url = shortUrl(root, frame.url);
    const key = `${frame.functionName || '(anonymous)'}${url ? ` ${url}:${frame.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + durations[i]!);
    total += durations[i]!;
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { total, top: top.map(([frame, ms]) => ({ frame, ms })) };
}

/**
 * Busy time per component: each sample goes to the nearest frame of a service, the gateway or the load
 * generator on its stack, else to the nearest workspace package, else to the library of its nearest
 * frame (the mongodb driver's socket reads, graphql-js…): attributable to no one service.
 */
export function timeByComponent(p: CpuProfile, root: string): Map<string, number> {
  const { parent, byId } = tree(p);
  const owner = new Map<number, string>();
  /** No frame of ours on the stack: name the library (or Node's internals) the sample's nearest frame is in. */
  const libraryOf = (root: string, id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame) break;
      if (frame.functionName === '(garbage collector)' || frame.functionName === '(program)') return frame.functionName;
      if (!frame.url) continue;
      if (frame.url.startsWith('node:')) return 'no frame of ours: node internals';
      const pkg = /^((?:@[^/]+\/)?[^/]+)\//.exec(shortUrl(root, frame.url));
      return `no frame of ours: ${pkg?.[1] ?? 'other'}`;
    }
    return 'no frame of ours: native';
  };
  const ownerOf = (id: number): string => {
    const known = owner.get(id);
    if (known) return known;
    let shared: string | undefined;
    let name: string | undefined;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const c = componentOf(root, byId.get(at)?.callFrame.url ?? '');
      if (c && !c.shared) {
        name = c.name;
        break;
      }
      if (c && !shared) shared = c.name;
    }
    const result = name ?? shared ?? libraryOf(root, id);
    owner.set(id, result);
    return result;
  };
  const out = new Map<string, number>();
  const durations = sampleDurations(p);
  p.samples.forEach((id, i) => {
    if (byId.get(id)?.callFrame.functionName === '(idle)') return;
    const c = ownerOf(id);
    out.set(c, (out.get(c) ?? 0) + durations[i]!);
  });
  return out;
}

/**
 * Sampled time (ms, idle left out) in all, and the part spent in code whose source matches `matches`
 * (given the short URL: `@opentelemetry/sdk-trace-base/build/…`, `node:internal/async_hooks`): each
 * sample goes to the nearest frame on its stack that has a source (a builtin such as `Map.get` counts for
 * the script that called it). Not inclusive time: tracing wraps every request in `context.with`, so
 * OpenTelemetry's frames sit under all of a request's work without costing it. Samples at nodes in `skip`
 * are left out of both.
 */
export function codeShare(
  p: CpuProfile,
  root: string,
  matches: (url: string) => boolean,
  skip: ReadonlySet<number> = new Set(),
): { total: number; matched: number } {
  const { parent, byId } = tree(p);
  const hit = new Map<number, boolean>();
  const nearest = (id: number): boolean => {
    const known = hit.get(id);
    if (known !== undefined) return known;
    const frame = byId.get(id)?.callFrame;
    const up = parent.get(id);
    const special = frame?.functionName.startsWith('(') ?? true; // (garbage collector), (program), (root)
    const result = special ? false : frame!.url ? matches(shortUrl(root, frame!.url)) : up !== undefined && nearest(up);
    hit.set(id, result);
    return result;
  };
  const durations = sampleDurations(p);
  let total = 0;
  let matched = 0;
  p.samples.forEach((id, i) => {
    if (byId.get(id)?.callFrame.functionName === '(idle)' || skip.has(id)) return;
    total += durations[i]!;
    if (nearest(id)) matched += durations[i]!;
  });
  return { total, matched };
}
