// One Realtime WebSocket (GA dialect). Browsers cannot set headers on a WebSocket, so the client
// secret travels as the `openai-insecure-api-key.<ek_…>` subprotocol next to `realtime`.

export class RealtimeError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'RealtimeError';
    this.code = code;
  }
}

export class RealtimeConnection {
  constructor(url, secret) {
    this.listeners = new Set();
    this.waiters = new Set();
    this.socket = new WebSocket(url, ['realtime', `openai-insecure-api-key.${secret}`]);
    this.socket.addEventListener('message', (message) => this.receive(JSON.parse(message.data)));
    this.socket.addEventListener('close', (event) => this.closed(event));
    this.opened = new Promise((resolve, reject) => {
      this.socket.addEventListener('open', resolve, { once: true });
      this.socket.addEventListener('error', () => reject(new RealtimeError('server_unreachable', 'could not connect')),
        { once: true });
    });
    this.opened.catch(() => {}); // also reported through the waiters
    this.onClose = () => {};
  }

  get open() {
    return this.socket.readyState === WebSocket.OPEN;
  }

  // Every server event, in order.
  listen(listener) {
    this.listeners.add(listener);
  }

  // The next event of `type`; rejects if an `error` event or the close comes first.
  expect(type) {
    return new Promise((resolve, reject) => this.waiters.add({ type, resolve, reject }));
  }

  send(event) {
    if (this.open) this.socket.send(JSON.stringify(event));
  }

  close() {
    this.closing = true;
    if (this.socket.readyState <= WebSocket.OPEN) this.socket.close(1000, 'hang up');
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

  closed(event) {
    const error = new RealtimeError('connection_lost', `closed (${event.code}${event.reason ? ` ${event.reason}` : ''})`);
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters.clear();
    if (!this.closing) this.onClose(event);
  }
}
