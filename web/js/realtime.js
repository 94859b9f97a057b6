// One Realtime WebSocket (GA dialect). Browsers cannot set headers on a WebSocket, so the client
// secret travels as the `openai-insecure-api-key.<ek_…>` subprotocol next to `realtime`.

export class RealtimeError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'RealtimeError';
    this.code = code;
  }
}

// What both connections share: server events to listeners in order, and `expect` for the next event
// of a type (rejected if an `error` event or the end comes first). A subclass gives `open` and `line`
// (what `send` writes JSON to) and calls `receive` and `rejectWaiters`.
export class EventLine {
  constructor() {
    this.listeners = new Set();
    this.waiters = new Set();
    this.onClose = () => {};
  }

  listen(listener) {
    this.listeners.add(listener);
  }

  expect(type) {
    return new Promise((resolve, reject) => this.waiters.add({ type, resolve, reject }));
  }

  send(event) {
    if (this.open) this.line.send(JSON.stringify(event));
  }

  receive(event) {
    for (const waiter of [...this.waiters]) {
      if (event.type === waiter.type) {
        this.waiters.delete(waiter);
        waiter.resolve(event);
      } else if (event.type === 'error') {
        this.waiters.delete(waiter);
        waiter.reject(new RealtimeError(event.error?.code, event.error?.message));
      }
    }
    for (const listener of this.listeners) listener(event);
  }

  rejectWaiters(error) {
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters.clear();
  }
}

export class RealtimeConnection extends EventLine {
  constructor(url, secret) {
    super();
    this.socket = new WebSocket(url, ['realtime', `openai-insecure-api-key.${secret}`]);
    this.socket.addEventListener('message', (message) => this.receive(JSON.parse(message.data)));
    this.socket.addEventListener('close', (event) => this.closed(event));
    this.opened = new Promise((resolve, reject) => {
      this.socket.addEventListener('open', resolve, { once: true });
      this.socket.addEventListener('error', () => reject(new RealtimeError('server_unreachable', 'could not connect')),
        { once: true });
    });
    this.opened.catch(() => {}); // also reported through the waiters
  }

  get open() {
    return this.socket.readyState === WebSocket.OPEN;
  }

  get line() {
    return this.socket;
  }

  close() {
    this.closing = true;
    if (this.socket.readyState <= WebSocket.OPEN) this.socket.close(1000, 'hang up');
  }

  closed(event) {
    this.rejectWaiters(new RealtimeError('connection_lost', `closed (${event.code}${event.reason ? ` ${event.reason}` : ''})`));
    if (!this.closing) this.onClose(event);
  }
}
