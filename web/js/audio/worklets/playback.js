// Runs on the audio thread: plays queued 24 kHz chunks one after another (never two at once),
// resampled to the context's rate, and counts how many source samples of each item were played.
//
// A new item may wait until `startSamples` are queued (a jitter buffer; 0 plays at once) or until
// the item is flushed (its audio is complete).
//
// In:  {type: 'push', seq, itemId, samples: Float32Array} | {type: 'flush', itemId} | {type: 'clear'}
// Out: {type: 'started', itemId, at} | {type: 'progress', itemId, played}
//      | {type: 'drained', seq, itemId, played} | {type: 'cleared', itemId, played}

const REPORT_EVERY_S = 0.1;

class PlaybackProcessor extends AudioWorkletProcessor {
  constructor({ processorOptions }) {
    super();
    this.step = processorOptions.sourceRate / sampleRate; // source samples per output sample
    this.startSamples = processorOptions.startSamples ?? 0;
    this.flushedItem = null;
    this.queue = [];
    this.offset = 0; // fractional read position in queue[0]
    this.itemId = null; // the item whose samples were played last
    this.played = 0; // its source samples played so far
    this.lastSeq = 0;
    this.sinceReport = 0;
    this.port.onmessage = ({ data }) => this.receive(data);
  }

  receive(message) {
    if (message.type === 'push') {
      this.queue.push(message);
    } else if (message.type === 'flush') {
      this.flushedItem = message.itemId;
    } else if (message.type === 'clear') {
      const playing = this.queue.length > 0;
      this.port.postMessage({ type: 'cleared', itemId: playing ? this.itemId : null, played: this.played });
      this.queue = [];
      this.offset = 0;
    }
  }

  process(_, outputs) {
    const output = outputs[0];
    const channel = output[0];
    if (this.waiting()) {
      channel.fill(0);
      return true;
    }
    const wasPlaying = this.queue.length > 0;
    for (let i = 0; i < channel.length; i += 1) channel[i] = this.next(i);
    for (let c = 1; c < output.length; c += 1) output[c].set(channel);
    if (wasPlaying) this.report(channel.length);
    return true;
  }

  // frame: the index in the current render quantum, so `started` says when (AudioContext clock) the
  // item's first sample is rendered
  next(frame) {
    const chunk = this.queue[0];
    if (!chunk) return 0;
    if (chunk.itemId !== this.itemId) {
      this.itemId = chunk.itemId;
      this.played = 0;
      this.port.postMessage({ type: 'started', itemId: chunk.itemId, at: currentTime + frame / sampleRate });
    }
    const index = Math.floor(this.offset);
    const fraction = this.offset - index;
    const current = chunk.samples[index];
    const following = index + 1 < chunk.samples.length ? chunk.samples[index + 1] : this.firstOfNext(chunk, current);
    const value = current + (following - current) * fraction;
    this.offset += this.step;
    this.played += Math.floor(this.offset) - index;
    if (this.offset >= chunk.samples.length) {
      this.offset -= chunk.samples.length;
      this.lastSeq = chunk.seq;
      this.queue.shift();
      if (this.queue.length === 0) {
        this.port.postMessage({ type: 'drained', seq: this.lastSeq, itemId: this.itemId, played: this.played });
      }
    }
    return value;
  }

  // A new item holds back until enough of it is queued.
  waiting() {
    const chunk = this.queue[0];
    if (!chunk || chunk.itemId === this.itemId || this.flushedItem === chunk.itemId || !this.startSamples) return false;
    let queued = 0;
    for (const next of this.queue) if (next.itemId === chunk.itemId) queued += next.samples.length;
    return queued < this.startSamples;
  }

  firstOfNext(chunk, fallback) {
    const next = this.queue[1];
    return next && next.itemId === chunk.itemId ? next.samples[0] : fallback;
  }

  report(frames) {
    this.sinceReport += frames / sampleRate;
    if (this.sinceReport >= REPORT_EVERY_S) {
      this.sinceReport = 0;
      this.port.postMessage({ type: 'progress', itemId: this.itemId, played: this.played });
    }
  }
}

registerProcessor('playback', PlaybackProcessor);
