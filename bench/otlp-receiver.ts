/**
 * The OTLP receiver of `npm run bench -- tracing` as a process of its own (so receiving spans costs the
 * measured services nothing but the export itself): `node --import tsx bench/otlp-receiver.ts <port>`.
 * Accepts OTLP/HTTP trace exports on 127.0.0.1:<port> and counts their spans per endpoint path
 * (`GET /counts`); see e2e/support/otlp-receiver.ts.
 */
import { startOtlpReceiver } from '../e2e/support/otlp-receiver.js';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`usage: otlp-receiver.ts <port>, not ${process.argv[2]}`);
const receiver = await startOtlpReceiver(port);
process.stdout.write(`OTLP receiver on ${receiver.url}\n`);
const stop = () => void receiver.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
