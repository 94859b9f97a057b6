// Runs on the audio thread: resamples the microphone to the target rate (averaging the input
// samples each output sample spans, which also filters what the lower rate cannot carry) and
// posts pcm16 chunks of a fixed duration with their RMS level and, on the AudioContext clock, when
// the last voiced input sample so far was captured (the latency benchmark measures from it).

const VOICED = 0.01; // about -40 dBFS: above a quiet room, below any speech

class CaptureProcessor extends AudioWorkletProcessor {
  constructor({ processorOptions }) {
    super();
    const { targetRate, chunkMs } = processorOptions;
    this.ratio = sampleRate / targetRate; // input samples per output sample
    this.boundary = this.ratio; // where the output sample being built ends, relative to the current input sample
    this.sum = 0;
    this.weight = 0;
    this.chunkSamples = Math.round((targetRate * chunkMs) / 1000);
    this.chunk = new Int16Array(this.chunkSamples);
    this.filled = 0;
    this.energy = 0;
    this.lastVoicedAt = null;
  }

  process(inputs) {
    const channel = inputs[0]?.[0];
    if (channel) {
      for (let i = 0; i < channel.length; i += 1) {
        if (Math.abs(channel[i]) >= VOICED) this.lastVoicedAt = currentTime + i / sampleRate;
        this.take(channel[i]);
      }
    }
    return true;
  }

  take(sample) {
    let start = 0;
    while (this.boundary <= 1) {
      const part = this.boundary - start;
      this.sum += sample * part;
      this.weight += part;
      this.emit(this.sum / this.weight);
      this.sum = 0;
      this.weight = 0;
      start = this.boundary;
      this.boundary += this.ratio;
    }
    this.sum += sample * (1 - start);
    this.weight += 1 - start;
    this.boundary -= 1;
  }

  emit(value) {
    const clamped = Math.max(-1, Math.min(1, value));
    this.chunk[this.filled] = clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff;
    this.energy += clamped * clamped;
    this.filled += 1;
    if (this.filled === this.chunkSamples) {
      const level = Math.sqrt(this.energy / this.filled);
      const pcm = this.chunk.buffer;
      this.port.postMessage({ pcm, level, lastVoicedAt: this.lastVoicedAt }, [pcm]); // transferring empties this.chunk
      this.chunk = new Int16Array(this.chunkSamples);
      this.filled = 0;
      this.energy = 0;
    }
  }
}

registerProcessor('capture', CaptureProcessor);
