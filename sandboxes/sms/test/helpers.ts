import { createLogger } from '@shop/kit';
import { loadConfig, startSandbox, type RunningSandbox } from '@shop/sms-sandbox';

export const API_KEY = 'test-only-sms-api-key-0123';

export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return { NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', SMS_API_KEY: API_KEY, ...overrides };
}

export function startTestSandbox(overrides: Record<string, string> = {}): Promise<RunningSandbox> {
  const config = loadConfig(testEnv(overrides));
  return startSandbox(config, createLogger('sms-sandbox', config.LOG_LEVEL));
}

/** A client of the sandbox API; `apiKey: null` sends none. */
export function apiClient(baseUrl: string, apiKey: string | null = API_KEY) {
  return async function call<T = any>(method: string, path: string, body?: unknown, raw?: string) {
    const headers: Record<string, string> = {};
    if (apiKey !== null) headers.authorization = `Bearer ${apiKey}`;
    if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  };
}
