import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PermanentError } from '@shop/events';
import { dependencyCall } from '@shop/kit';

export interface Sms {
  /** E.164. */
  to: string;
  body: string;
  /** The stable identity the provider dedupes on: a resend after a crash carries the same one. */
  clientReference: string;
}

/** An SMS provider; throws `PermanentError` for a refusal retrying cannot fix, any other error otherwise. */
export interface SmsProvider {
  send(sms: Sms): Promise<{ id: string }>;
}

/**
 * A phone number as E.164, or undefined: spaces, dots, dashes and brackets dropped, a leading 00 read as +.
 * Numbers without a country code cannot be sent.
 */
export function toE164(phone: string): string | undefined {
  const compact = phone
    .trim()
    .replace(/[\s().-]/g, '')
    .replace(/^00/, '+');
  return /^\+[1-9]\d{1,14}$/.test(compact) ? compact : undefined;
}

/** The HTTP adapter of the SMS sandbox API (`sandboxes/sms/README.md`), which real providers resemble. */
export function httpSmsProvider(opts: { url: string; apiKey: string; timeoutMs: number }): SmsProvider {
  return {
    async send(sms) {
      let res: Response;
      try {
        res = await dependencyCall(
          'sms-provider',
          'POST /v1/messages',
          () =>
            fetch(`${opts.url}/v1/messages`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.apiKey}` },
              body: JSON.stringify(sms),
              signal: AbortSignal.timeout(opts.timeoutMs),
            }),
          (r) => r.status >= 500,
        );
      } catch (err) {
        throw new Error(`SMS provider unreachable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      const body = (await res.json().catch(() => null)) as { id?: string; error?: { code?: string; message?: string } } | null;
      if (res.ok && body?.id) return { id: body.id };
      const reason = `SMS provider ${res.status} ${body?.error?.code ?? ''}: ${body?.error?.message ?? 'no details'}`;
      // 400/422: the request itself is refused (bad number, undeliverable, reference reused): retrying cannot help.
      if (res.status === 400 || res.status === 422) throw new PermanentError(reason);
      throw new Error(reason);
    },
  };
}

/**
 * Development transport: each SMS is a JSON file `<clientReference>.json` in `dir` (written atomically,
 * so a resend overwrites the same file: the folder holds each message once).
 */
export function folderSmsProvider(dir: string): SmsProvider {
  return {
    async send(sms) {
      await mkdir(dir, { recursive: true });
      const name = sms.clientReference.replace(/[^A-Za-z0-9._-]/g, '_');
      const file = join(dir, `${name}.json`);
      await writeFile(`${file}.tmp`, `${JSON.stringify({ ...sms, sentAt: new Date().toISOString() }, null, 2)}\n`);
      await rename(`${file}.tmp`, file);
      return { id: name };
    },
  };
}
