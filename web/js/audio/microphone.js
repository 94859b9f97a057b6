// The microphone: echo cancellation and noise suppression from the browser, then an AudioWorklet
// that resamples to the session's 24 kHz and hands out pcm16 chunks (20 ms by default: every chunk
// waits for its last sample, so smaller chunks reach the server's end-of-turn detection sooner).

import { WIRE_RATE } from './pcm.js';

export class MicrophoneError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'MicrophoneError';
    this.code = code; // mic_denied | mic_unavailable
  }
}

import { tuning } from './tuning.js';

export class Microphone {
  constructor(context) {
    this.context = context;
    this.stream = null;
    this.node = null;
  }

  // onChunk(ArrayBuffer of pcm16 at 24 kHz, lastVoicedAt: AudioContext time or null), onLevel(rms in 0..1)
  async start({ onChunk, onLevel }) {
    await this.context.audioWorklet.addModule(new URL('./worklets/capture.js', import.meta.url));
    this.stream = await openMicrophone();
    const source = this.context.createMediaStreamSource(this.stream);
    this.node = new AudioWorkletNode(this.context, 'capture', {
      numberOfOutputs: 0,
      processorOptions: { targetRate: WIRE_RATE, chunkMs: tuning.chunkMs },
    });
    this.node.port.onmessage = ({ data }) => {
      onChunk(data.pcm, data.lastVoicedAt);
      onLevel(data.level);
    };
    source.connect(this.node);
  }

  set muted(muted) {
    for (const track of this.stream?.getAudioTracks() ?? []) track.enabled = !muted;
  }

  stop() {
    this.node?.port.close();
    this.node?.disconnect();
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.node = null;
  }
}

export async function openMicrophone() {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new MicrophoneError('mic_unavailable', 'getUserMedia is not available (is the page served over https?)');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: tuning.noiseSuppression, autoGainControl: true, channelCount: 1 },
    });
  } catch (error) {
    const denied = error.name === 'NotAllowedError' || error.name === 'SecurityError';
    throw new MicrophoneError(denied ? 'mic_denied' : 'mic_unavailable', `${error.name}: ${error.message}`);
  }
}
