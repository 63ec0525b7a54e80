import { pino, type Logger } from 'pino';
import { traceLogFields } from './tracing.js';

export type { Logger } from 'pino';

/**
 * JSON logs (pretty when LOG_PRETTY=1 on a terminal), secrets and card data redacted.
 * `level: 'silent'` is what tests use unless they debug.
 */
export function createLogger(name: string, level: string, pretty = false): Logger {
  return pino({
    name,
    level,
    // A line written inside a span names it, so the line leads to its trace (no fields with tracing off).
    mixin: traceLogFields,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'req.headers["x-shop-context"]',
        '*.password',
        '*.secret',
        '*.token',
        '*.paymentToken',
        '*.cardNumber',
      ],
      censor: '[redacted]',
    },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  });
}
