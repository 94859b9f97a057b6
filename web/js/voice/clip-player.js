// Plays a voice job's reply as its audio chunks arrive: each chunk is a whole file (one sentence),
// decoded on its own and scheduled right after the previous one, so they never overlap.

import { base64ToBytes } from '../audio/pcm.js';

export class ClipPlayer {
  constructor(context) {
    this.context = context;
    this.nextStart = 0;
    this.chain = Promise.resolve();
    this.seen = new Set();
    this.sources = new Set();
    this.parts = 0;
    this.seconds = 0;
    this.onChange = () => {};
  }

  // A chunk is played once, even if a resumed stream delivered it again.
  enqueue(seq, base64) {
    if (this.seen.has(seq)) return this.chain;
    this.seen.add(seq);
    this.chain = this.chain.then(() => this.schedule(base64ToBytes(base64)));
    return this.chain;
  }

  async schedule(bytes) {
    const buffer = await this.context.decodeAudioData(bytes.buffer);
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.context.destination);
    const start = Math.max(this.context.currentTime + 0.05, this.nextStart);
    source.start(start);
    this.sources.add(source);
    source.onended = () => this.sources.delete(source);
    this.nextStart = start + buffer.duration;
    this.parts += 1;
    this.seconds += buffer.duration;
    this.onChange();
  }

  // Resolves once everything scheduled so far has been played.
  async finished() {
    await this.chain;
    const left = this.nextStart - this.context.currentTime;
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left * 1000));
  }

  stop() {
    for (const source of this.sources) source.stop();
    this.sources.clear();
  }
}
