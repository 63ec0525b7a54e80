/**
 * The MongoDB driver's instrumentation as edge sampling wants it (docs/design.md §11, "Cost"): a command
 * issued outside a sampled trace goes straight to the driver, the way an unsampled request goes past the
 * http instrumentation (`bypassUntracedRequests`).
 */
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import type { InstrumentationModuleDefinition, InstrumentationModuleFile } from '@opentelemetry/instrumentation';
import { outsideSampledTrace } from './tracing.js';

const CONNECTION = 'mongodb/lib/cmap/connection.js';
const SESSIONS = 'mongodb/lib/sessions.js';

type Command = (this: unknown, ...args: unknown[]) => Promise<unknown>;

/** Whether `version` is a driver whose `Connection.prototype.command` returns a promise (6.4 on). */
function promiseCommands(version: string | undefined): boolean {
  const [major = 0, minor = 0] = (version ?? '').split('.').map(Number);
  return major > 6 || (major === 6 && minor >= 4);
}

/**
 * Lets a command issued outside a sampled trace go past the instrumentation's wrapper of
 * `Connection.prototype.command` to the driver's own (shimmer's `__original`). For such a command the
 * wrapper starts no span, yet it still looks the parent up, builds a result callback that re-enters the
 * caller's context and chains it onto the command's promise: per command, the largest part of what an
 * unsampled purchase paid for tracing in each subgraph. The caller awaits the driver's promise either way,
 * so its context carries on as it would. Throws if the instrumentation has not wrapped `command`.
 */
export function bypassUnsampledCommands(connectionPrototype: object): void {
  const proto = connectionPrototype as { command: Command & { __original?: Command; __wrapped?: boolean } };
  const traced: Command = proto.command;
  const plain = proto.command.__original;
  if (!proto.command.__wrapped || typeof plain !== 'function')
    throw new Error('the MongoDB instrumentation has not wrapped Connection.prototype.command: cannot let unsampled commands past it');
  proto.command = function command(this: unknown, ...args: unknown[]) {
    return outsideSampledTrace() ? plain.apply(this, args) : traced.apply(this, args);
  };
}

/**
 * The instrumentation's module definitions, changed in two ways:
 * - after it wraps `Connection.prototype.command` (drivers from 6.4, whose commands return promises),
 *   `bypassUnsampledCommands` lets unsampled commands past the wrapper;
 * - it leaves `ServerSessionPool` alone. Those wrappers only feed the OpenTelemetry metric
 *   `db.client.connection.count`, and this system registers no OpenTelemetry meter provider (its metrics
 *   are prom-client's, on `/metrics`), so every session checked out paid for a count that went nowhere.
 * Throws if the definitions no longer name the connection file: a new instrumentation release that moved
 * it must be looked at, not silently run at full cost.
 */
export function sampledOnly<M extends InstrumentationModuleDefinition>(modules: M[]): M[] {
  if (!modules.some((m) => m.files.some((f) => f.name === CONNECTION)))
    throw new Error(`the MongoDB instrumentation no longer patches ${CONNECTION}: review the unsampled-command bypass`);
  for (const m of modules) m.files = m.files.filter((f) => f.name !== SESSIONS).map(bypassing);
  return modules;
}

function bypassing(file: InstrumentationModuleFile): InstrumentationModuleFile {
  if (file.name !== CONNECTION) return file;
  return {
    name: file.name,
    supportedVersions: file.supportedVersions,
    unpatch: (exports, version) => file.unpatch(exports, version),
    patch: (exports, version) => {
      const patched = file.patch(exports, version) as { Connection: { prototype: object } };
      if (promiseCommands(version)) bypassUnsampledCommands(patched.Connection.prototype);
      return patched;
    },
  };
}

/** `MongoDBInstrumentation` with `sampledOnly`'s changes; the rest of its behaviour as configured. */
export class SampledMongoDBInstrumentation extends MongoDBInstrumentation {
  override init() {
    return sampledOnly(super.init());
  }
}
