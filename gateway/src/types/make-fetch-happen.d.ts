// make-fetch-happen ships no types; this is the part the gateway uses.
declare module 'make-fetch-happen' {
  interface Defaults {
    maxSockets?: number;
    retry?: boolean | { retries?: number };
    timeout?: number;
  }
  type Fetch = (url: string, init?: unknown) => Promise<unknown>;
  const fetch: Fetch & { defaults(opts: Defaults): Fetch };
  export default fetch;
}
