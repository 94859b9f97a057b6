// Follows a job's Server-Sent Events with fetch, so the request can carry the client secret as a
// bearer token (EventSource cannot send headers; on an anonymous loopback server EventSource with
// ?session_id= works too). When the stream drops before its last event, it reconnects and resumes
// exactly after the last event seen, with the Last-Event-ID header.

import { ApiError } from '../api.js';

const TERMINAL = new Set(['done', 'error']);
const RETRIES = 5;

export async function followEvents(url, { secret, onEvent, onRetry = () => {}, signal } = {}) {
  let lastEventId = null;
  let failures = 0;
  for (;;) {
    try {
      const headers = { Accept: 'text/event-stream' };
      if (secret) headers.Authorization = `Bearer ${secret}`;
      if (lastEventId) headers['Last-Event-ID'] = lastEventId;
      const response = await fetch(url, { headers, signal, cache: 'no-store' });
      if (!response.ok) throw await ApiError.from(response);
      for await (const event of readEvents(response.body)) {
        if (event.id) lastEventId = event.id;
        failures = 0;
        onEvent(event);
        if (TERMINAL.has(event.event)) return;
      }
    } catch (error) {
      if (signal?.aborted || (error instanceof ApiError && error.status < 500)) throw error;
    }
    failures += 1;
    if (failures > RETRIES) throw new Error('the event stream kept dropping');
    onRetry(failures);
    await new Promise((resolve) => setTimeout(resolve, Math.min(4000, 250 * 2 ** (failures - 1))));
  }
}

// The text/event-stream format: fields up to a blank line make one event; ':' lines are comments.
async function* readEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = blank();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let newline;
    while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      if (line === '') {
        if (event.data.length) yield { id: event.id, event: event.event, data: event.data.join('\n') };
        event = blank();
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') event.data.push(value);
        else if (field === 'event') event.event = value;
        else if (field === 'id') event.id = value;
      }
    }
  }
}

function blank() {
  return { id: null, event: 'message', data: [] };
}
