/**
 * `node --conditions=shop-source --import tsx packages/events/src/dlq-cli.ts list | show <seq> | redrive <seq>`
 * Inspects and replays dead letters (see dlq.ts for what redrive does and why it is safe).
 */
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ConfigError, parseConfig } from '@shop/kit';
import { DLQ_USAGE, parseDlqArgs, runDlqCommand, UsageError, type DlqCommand } from './dlq-command.js';
import { eventsConfig, natsServers } from './nats.js';

const out = (s: string) => process.stdout.write(s);
const err = (s: string) => process.stderr.write(s);

async function main(): Promise<number> {
  let command: DlqCommand;
  try {
    command = parseDlqArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`dlq: ${e.message}\n\n${DLQ_USAGE}`);
    return 2;
  }
  if (command.cmd === 'help') {
    out(DLQ_USAGE);
    return 0;
  }
  let url: string;
  try {
    url = parseConfig('dlq', { NATS_URL: eventsConfig.NATS_URL }).NATS_URL;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(`${e.message}\n`);
    return 2;
  }
  let nc;
  try {
    nc = await connect({ servers: natsServers(url), name: 'dlq-cli', timeout: 5_000, maxReconnectAttempts: 0 });
  } catch (e) {
    err(`dlq: cannot reach NATS at ${url}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  try {
    return await runDlqCommand(command, { jsm: await jetstreamManager(nc), js: jetstream(nc), out, err });
  } catch (e) {
    err(`dlq: ${command.cmd} failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    await nc.drain().catch(() => nc.close());
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    err(`dlq: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
