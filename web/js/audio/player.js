// Reply audio: a queue on the audio thread that plays chunks in order, reports how much of each
// item was actually heard, and stops at once on barge-in.

import { WIRE_RATE, pcm16ToFloat32, base64ToBytes, samplesToMs } from './pcm.js';
import { tuning } from './tuning.js';

export class Player {
  constructor(context) {
    this.context = context;
    this.pushedSeq = 0;
    this.drainedSeq = 0;
    this.received = new Map(); // itemId -> samples received
    this.parts = new Map(); // itemId -> audio deltas received
    this.clearing = [];
    this.onStart = () => {};
    this.onProgress = () => {};
    this.onDrained = () => {};
  }

  async load() {
    await this.context.audioWorklet.addModule(new URL('./worklets/playback.js', import.meta.url));
    this.node = new AudioWorkletNode(this.context, 'playback', {
      numberOfInputs: 0,
      outputChannelCount: [1],
      processorOptions: { sourceRate: WIRE_RATE, startSamples: Math.round((tuning.startMs * WIRE_RATE) / 1000) },
    });
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 1024;
    this.node.connect(this.analyser).connect(this.context.destination);
    this.node.port.onmessage = ({ data }) => this.receive(data);
  }

  get busy() {
    return this.pushedSeq > this.drainedSeq;
  }

  // Base64 pcm16 at 24 kHz, as in response.output_audio.delta.
  enqueue(itemId, base64) {
    const samples = pcm16ToFloat32(base64ToBytes(base64));
    this.received.set(itemId, (this.received.get(itemId) ?? 0) + samples.length);
    this.parts.set(itemId, (this.parts.get(itemId) ?? 0) + 1);
    this.pushedSeq += 1;
    this.node.port.postMessage({ type: 'push', seq: this.pushedSeq, itemId, samples }, [samples.buffer]);
  }

  // The item's audio is complete: play it even if it is shorter than the start threshold.
  flush(itemId) {
    this.node.port.postMessage({ type: 'flush', itemId });
  }

  receivedMs(itemId) {
    return samplesToMs(this.received.get(itemId) ?? 0);
  }

  // Stops playback now; resolves to {itemId, playedMs} of the item cut short, or null if nothing played.
  stop() {
    if (!this.busy) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.clearing.push(resolve);
      this.node.port.postMessage({ type: 'clear' });
    });
  }

  receive(message) {
    switch (message.type) {
      case 'started':
        this.onStart(message.itemId, message.at);
        break;
      case 'progress':
        this.onProgress(message.itemId, this.heardMs(message.itemId, message.played));
        break;
      case 'drained':
        this.drainedSeq = Math.max(this.drainedSeq, message.seq);
        this.onProgress(message.itemId, this.heardMs(message.itemId, message.played));
        if (!this.busy) this.onDrained();
        break;
      case 'cleared':
        this.cleared(message);
        break;
    }
  }

  cleared({ itemId, played }) {
    this.drainedSeq = this.pushedSeq;
    const cut = itemId ? { itemId, playedMs: this.heardMs(itemId, played) } : null;
    if (cut) this.onProgress(cut.itemId, cut.playedMs);
    for (const resolve of this.clearing.splice(0)) resolve(cut);
    this.onDrained();
  }

  heardMs(itemId, played) {
    return Math.min(samplesToMs(played), this.receivedMs(itemId));
  }
}
