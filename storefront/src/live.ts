import { useEffect, useRef, useState } from 'react';
import { fetchEventSource } from '@microsoft/fetch-event-source';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'unavailable';

class FatalStreamError extends Error {}

/**
 * Follows `GET <url>` (Server-Sent Events) with a fetch-based client, which can send the Authorization
 * header and, on reconnecting, the `Last-Event-ID` of the last event seen, so the server resumes where
 * the stream broke. Calls `onEvent` for every message. A refusal (4xx) ends it (`unavailable`): the
 * caller then falls back to asking now and then.
 */
export function useEventStream(url: string, token: () => Promise<string | undefined>, onEvent: () => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const tokenRef = useRef(token);
  tokenRef.current = token;
  useEffect(() => {
    const abort = new AbortController();
    let failures = 0;
    setState('connecting');
    void (async () => {
      const bearer = await tokenRef.current();
      await fetchEventSource(url, {
        signal: abort.signal,
        headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
        // Keep following while the tab is hidden (e.g. while the 3-D Secure page is open in another tab).
        openWhenHidden: true,
        onopen: (response) => {
          const type = response.headers.get('content-type') ?? '';
          if (response.ok && type.startsWith('text/event-stream')) {
            setState('live');
            failures = 0;
            return Promise.resolve();
          }
          if (response.status >= 400 && response.status < 500 && response.status !== 429) {
            return Promise.reject(new FatalStreamError(`live updates refused: HTTP ${response.status}`));
          }
          return Promise.reject(new Error(`live updates unavailable: HTTP ${response.status}`));
        },
        onmessage: () => handler.current(),
        onclose: () => {
          // The server ended the stream: reconnect (with Last-Event-ID) by throwing to the retry logic.
          throw new Error('stream closed');
        },
        onerror: (err) => {
          if (err instanceof FatalStreamError) throw err;
          setState('reconnecting');
          // 2 s, 4 s, 8 s … up to 30 s between attempts; back to 2 s once a connection opens.
          return Math.min(30_000, 2_000 * 2 ** failures++);
        },
      });
    })().catch(() => {
      if (!abort.signal.aborted) setState('unavailable');
    });
    return () => abort.abort();
  }, [url]);
  return state;
}

export const LIVE_TEXT: Record<LiveState, string> = {
  connecting: 'Connecting to live updates…',
  live: 'Live updates on: this page changes as your order does.',
  reconnecting: 'Live updates interrupted; reconnecting…',
  unavailable: 'Live updates are unavailable; this page checks for changes every few seconds.',
};
