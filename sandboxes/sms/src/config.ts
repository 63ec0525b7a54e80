import { z } from 'zod';
import { logLevel, nodeEnv, parseConfig, port, secret } from '@shop/kit';

/** SMS sandbox settings; the only file that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(
    'sms-sandbox',
    {
      NODE_ENV: nodeEnv,
      LOG_LEVEL: logLevel,
      HOST: z.string().min(1).default('127.0.0.1'),
      PORT: port(4021),
      /** What clients send as `authorization: Bearer <key>` (the messaging worker's `SMS_API_KEY`). */
      SMS_API_KEY: secret('dev-only-sms-api-key-change-me', env),
      /** Where the messages sent are kept (`books.json`), so a restart or a SIGKILL keeps them. Unset: in memory. */
      SANDBOX_STATE_DIR: z.string().trim().min(1).optional(),
    },
    env,
  );
}

export type SandboxConfig = ReturnType<typeof loadConfig>;
