// Push-to-talk with a tap threshold: a press becomes a turn only once it has been held for TAP_MS.
// Until then the microphone's chunks wait here, so nothing of the speech is lost, and a brief
// accidental tap neither cuts the reply nor sends an empty turn.

export const TAP_MS = 250;

export class PushToTalk {
  // begin(): the press became a turn; send(base64 chunk); end(): the turn is complete; tooShort()
  constructor({ begin, send, end, tooShort }) {
    Object.assign(this, { begin, send, end, tooShort });
    this.pressed = false;
    this.held = false;
    this.waiting = [];
  }

  press() {
    if (this.pressed) return;
    this.pressed = true;
    this.waiting = [];
    this.timer = setTimeout(() => this.confirm(), TAP_MS);
  }

  confirm() {
    if (!this.pressed) return;
    this.held = true;
    this.begin();
    for (const chunk of this.waiting.splice(0)) this.send(chunk);
  }

  // A microphone chunk: sent while held, kept while the press is still a tap, dropped otherwise.
  chunk(base64) {
    if (this.held) this.send(base64);
    else if (this.pressed) this.waiting.push(base64);
  }

  release() {
    if (!this.pressed) return;
    const wasHeld = this.held;
    this.cancel();
    if (wasHeld) this.end();
    else this.tooShort();
  }

  cancel() {
    clearTimeout(this.timer);
    this.pressed = false;
    this.held = false;
    this.waiting = [];
  }
}
