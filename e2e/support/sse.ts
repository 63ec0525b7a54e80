import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { waitFor } from '@shop/harness';

/** A live order stream read the way the storefront's fetch-based EventSource reads it. */
export interface SseStream {
  messages: EventSourceMessage[];
  comments: string[];
  /** True once the server ended the response. */
  readonly ended: boolean;
  /** The first message (from the start) with this `event:` name, waiting for it. */
  next: (event: string, timeoutMs?: number) => Promise<EventSourceMessage>;
  /** Disconnects, as a closed browser tab does. */
  close: () => void;
}

export type SseOpen = { status: 200; stream: SseStream } | { status: number; body: { error?: string }; headers: Headers };

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseOpen> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  if (res.status !== 200 || !res.body) return { status: res.status, body: (await res.json()) as { error?: string }, headers: res.headers };
  const messages: EventSourceMessage[] = [];
  const comments: string[] = [];
  let ended = false;
  const parser = createParser({ onEvent: (m) => messages.push(m), onComment: (c) => comments.push(c) });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(value);
    }
  })()
    .catch(() => {})
    .finally(() => (ended = true));
  return {
    status: 200,
    stream: {
      messages,
      comments,
      get ended() {
        return ended;
      },
      next: (event, timeoutMs = 30_000) => waitFor(`SSE event ${event}`, () => messages.find((m) => m.event === event), { timeoutMs }),
      close: () => abort.abort(),
    },
  };
}

/** The stream of a successful open; fails the test with the refusal otherwise. */
export function opened(o: SseOpen): SseStream {
  if (o.status !== 200 || !('stream' in o))
    throw new Error(`the stream was refused: ${o.status} ${JSON.stringify('body' in o ? o.body : '')}`);
  return o.stream;
}
