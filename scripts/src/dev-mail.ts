/**
 * `npm start`'s mail catcher: a local SMTP server (nodemailer's smtp-server) that accepts every message
 * and writes it as `<time>-<Message-ID>.eml` to a folder, where any mail client or text editor opens it.
 * Run as a file (`node --import tsx scripts/src/dev-mail.ts <dir> <port>`) it is its own process, like
 * a real mail server: `npm start` runs it that way, and `npm run chaos` kills it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';

export async function startDevMailCatcher(dir: string, port: number): Promise<{ url: string; close: () => Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const id = /^message-id:\s*<?([^>\r\n]+)>?/im.exec(raw.toString('latin1'))?.[1] ?? 'no-id';
        writeFileSync(join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${id.replace(/[^\w.@-]/g, '_')}.eml`), raw);
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${actual}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

if (process.argv[1] && resolvePath(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, port] = process.argv.slice(2);
  if (!dir || !/^\d+$/.test(port ?? '')) {
    process.stderr.write('usage: dev-mail.ts <mail directory> <port>\n');
    process.exit(2);
  }
  const mail = await startDevMailCatcher(dir, Number(port));
  process.stdout.write(`mail catcher on ${mail.url}, writing to ${dir}\n`);
  const stop = () => void mail.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
