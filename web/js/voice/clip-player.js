// Plays a voice job's reply as its audio chunks arrive: each chunk is a whole file (one sentence),
// decoded on its own and scheduled right after the previous one, so they never overlap. The decoded
// parts are kept, so the reply can be played again.

import { base64ToBytes } from '../audio/pcm.js';

export class ClipPlayer {
  constructor(context) {
    this.context = context;
    this.nextStart = 0;
    this.chain = Promise.resolve();
    this.seen = new Set();
    this.sources = new Set();
    this.buffers = [];
    this.parts = 0;
    this.seconds = 0;
    this.onChange = () => {};
  }

  // A chunk is played once, even if a resumed stream delivered it again.
  enqueue(seq, base64) {
    if (this.seen.has(seq)) return this.chain;
    this.seen.add(seq);
    this.chain = this.chain.then(async () => {
      const buffer = await this.context.decodeAudioData(base64ToBytes(base64).buffer);
      this.buffers.push(buffer);
      this.parts += 1;
      this.seconds += buffer.duration;
      this.schedule(buffer);
      this.onChange();
    });
    return this.chain;
  }

  schedule(buffer) {
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.context.destination);
    const start = Math.max(this.context.currentTime + 0.05, this.nextStart);
    source.start(start);
    this.sources.add(source);
    source.onended = () => this.sources.delete(source);
    this.nextStart = start + buffer.duration;
  }

  // Resolves once everything scheduled so far has been played (or stopped).
  async finished() {
    await this.chain;
    while (this.sources.size) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  async replay() {
    this.stop();
    await this.context.resume();
    this.nextStart = 0;
    for (const buffer of this.buffers) this.schedule(buffer);
    await this.finished();
  }

  stop() {
    for (const source of this.sources) source.stop();
    this.sources.clear();
    this.nextStart = 0;
  }

  close() {
    this.stop();
    this.context.close();
  }
}
