import { authHeaders } from './api';
import type { PublicEvent } from './api-types';

/** 'forbidden': the key is good but may not read the stream (an operator key, today). */
export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'unauthorized' | 'forbidden';

interface Options {
  onEvent(event: PublicEvent): void;
  onState(state: StreamState): void;
}

/**
 * GET /events/stream with fetch (EventSource cannot send the Authorization header), parsed as
 * text/event-stream; reconnects after a drop with Last-Event-ID so nothing is missed.
 */
export function connectStream({ onEvent, onState }: Options): () => void {
  let stopped = false;
  let lastId: string | undefined;
  let abort: AbortController | undefined;
  let retryTimer: number | undefined;

  const dispatch = (block: string) => {
    let id: string | undefined;
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'data') data = data ? `${data}\n${value}` : value;
    }
    if (id !== undefined) lastId = id;
    if (!data) return;
    try {
      onEvent(JSON.parse(data) as PublicEvent);
    } catch {
      // not an event of ours: ignore
    }
  };

  const run = async () => {
    if (stopped) return;
    abort = new AbortController();
    try {
      const response = await fetch('/events/stream', {
        headers: {
          Accept: 'text/event-stream',
          ...authHeaders(),
          ...(lastId ? { 'Last-Event-ID': lastId } : {}),
        },
        signal: abort.signal,
      });
      if (response.status === 401 || response.status === 403) {
        onState(response.status === 401 ? 'unauthorized' : 'forbidden');
        return;
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      onState('live');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, '\n');
        const blocks = buffer.split('\n\n');
        buffer = blocks.pop() ?? '';
        blocks.forEach(dispatch);
      }
    } catch {
      // dropped or aborted: reconnect below unless stopped
    }
    if (stopped) return;
    onState('reconnecting');
    retryTimer = window.setTimeout(() => void run(), 2000);
  };

  onState('connecting');
  void run();
  return () => {
    stopped = true;
    window.clearTimeout(retryTimer);
    abort?.abort();
  };
}
