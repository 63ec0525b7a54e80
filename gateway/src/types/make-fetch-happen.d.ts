// make-fetch-happen ships no types; this is the part the gateway uses.
declare module 'make-fetch-happen' {
  import type { Agent } from 'node:http';
  interface Defaults {
    /** An agent, or one per URL (minipass-fetch calls it with the parsed URL); replaces @npmcli/agent's. */
    agent?: Agent | ((url: URL) => Agent);
    maxSockets?: number;
    retry?: boolean | { retries?: number };
    timeout?: number;
  }
  type Fetch = (url: string, init?: unknown) => Promise<unknown>;
  const fetch: Fetch & { defaults(opts: Defaults): Fetch };
  export default fetch;
}
