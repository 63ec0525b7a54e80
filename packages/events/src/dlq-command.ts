import { JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { DeadLetterNotFoundError, getDeadLetter, listDeadLetters, redriveDeadLetter, RedriveRefusedError, type DeadLetter } from './dlq.js';

/** The `dlq` command without process concerns (arguments in, text out, exit code back), so tests can run it. */

export const DLQ_USAGE = `Usage: dlq <command>

  list [--consumer <name>] [--limit <n>]   dead letters, oldest first
  show <seq>                               one dead letter: headers and body
  redrive <seq>                            republish it on its original subject, then remove it from the DLQ

<seq> is the sequence shown by "list". NATS_URL selects the server (default nats://127.0.0.1:4222).
`;

export type DlqCommand =
  { cmd: 'list'; consumer?: string; limit: number } | { cmd: 'show'; seq: number } | { cmd: 'redrive'; seq: number } | { cmd: 'help' };

export class UsageError extends Error {}

function parseSeq(text: string | undefined, cmd: string): number {
  if (text === undefined) throw new UsageError(`"${cmd}" needs the sequence number of a dead letter`);
  if (!/^[1-9]\d*$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`"${text}" is not a sequence number (a positive integer, as shown by "list")`);
  }
  return Number(text);
}

export function parseDlqArgs(argv: readonly string[]): DlqCommand {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { cmd: 'help' };
    case 'list': {
      const out: { cmd: 'list'; consumer?: string; limit: number } = { cmd: 'list', limit: 1_000 };
      for (let i = 0; i < rest.length; i++) {
        const flag = rest[i];
        const value = rest[i + 1];
        if (flag === '--consumer' && value) out.consumer = value;
        else if (flag === '--limit' && value && /^[1-9]\d*$/.test(value)) out.limit = Number(value);
        else throw new UsageError(`unexpected argument "${flag ?? ''}" for "list"`);
        i++;
      }
      return out;
    }
    case 'show':
    case 'redrive': {
      if (rest.length > 1) throw new UsageError(`"${cmd}" takes exactly one sequence number`);
      return { cmd, seq: parseSeq(rest[0], cmd) };
    }
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}

export const oneLine = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

export function formatList(list: readonly DeadLetter[]): string {
  if (list.length === 0) return 'No dead letters.\n';
  const rows = [['SEQ', 'DEAD-LETTERED AT', 'SUBJECT', 'CONSUMER', 'DELIVERIES', 'KIND', 'ERROR']];
  for (const d of list) {
    rows.push([
      String(d.seq),
      d.time.toISOString(),
      d.originalSubject,
      d.consumer || '-',
      String(d.deliveryCount),
      d.kind || '-',
      oneLine(d.error, 80),
    ]);
  }
  return `${table(rows)}${list.length} dead letter${list.length === 1 ? '' : 's'}.\n`;
}

export function formatDeadLetter(d: DeadLetter): string {
  const lines = [
    `Dead letter ${d.seq}`,
    `  subject         ${d.originalSubject} (stream ${d.originalStream || '?'}, seq ${d.originalSeq ?? '?'})`,
    `  consumer        ${d.consumer || '-'}`,
    `  kind            ${d.kind || '-'}`,
    `  error           ${d.error || '-'}`,
    `  deliveries      ${d.deliveryCount}`,
    `  dead-lettered   ${d.time.toISOString()}`,
    `  event id        ${d.eventId || '-'}`,
    `  correlation id  ${d.correlationId || '-'}`,
    'Headers:',
    ...Object.entries(d.headers).flatMap(([k, vs]) => vs.map((v) => `  ${k}: ${v}`)),
    'Body:',
    d.json === undefined ? `  ${d.body} (not JSON)` : JSON.stringify(d.json, null, 2).replace(/^/gm, '  '),
  ];
  return `${lines.join('\n')}\n`;
}

export interface DlqIo {
  jsm: JetStreamManager;
  js: JetStreamClient;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs a parsed command; returns the exit code (0 done, 1 failed). */
export async function runDlqCommand(command: DlqCommand, io: DlqIo): Promise<number> {
  try {
    switch (command.cmd) {
      case 'help':
        io.out(DLQ_USAGE);
        return 0;
      case 'list':
        io.out(formatList(await listDeadLetters(io.jsm, { consumer: command.consumer, limit: command.limit })));
        return 0;
      case 'show':
        io.out(formatDeadLetter(await getDeadLetter(io.jsm, command.seq)));
        return 0;
      case 'redrive': {
        const r = await redriveDeadLetter(io.jsm, io.js, command.seq);
        io.out(
          `Redrove dead letter ${r.dlqSeq}: event ${r.eventId} republished on ${r.subject} ` +
            `(${r.stream} seq ${r.seq}${r.duplicate ? ', already there' : ''}, msgID ${r.msgId}); removed from the DLQ.\n`,
        );
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof DeadLetterNotFoundError || err instanceof RedriveRefusedError) {
      io.err(`${err.message}\n`);
      return 1;
    }
    if (err instanceof JetStreamApiError && err.code === 10059) {
      io.err('The DLQ stream does not exist on this server: no service has provisioned the streams yet.\n');
      return 1;
    }
    throw err;
  }
}
