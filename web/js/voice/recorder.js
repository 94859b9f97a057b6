// Records a voice message with MediaRecorder (compressed in the browser; the server decodes it).

import { openMicrophone } from '../audio/microphone.js';

const TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4', 'audio/webm'];

export class VoiceRecorder {
  async start() {
    this.stream = await openMicrophone();
    const mimeType = TYPES.find((type) => MediaRecorder.isTypeSupported(type));
    this.recorder = new MediaRecorder(this.stream, mimeType ? { mimeType } : {});
    this.parts = [];
    this.recorder.ondataavailable = (event) => this.parts.push(event.data);
    this.startedAt = performance.now();
    this.recorder.start();
  }

  get recording() {
    return this.recorder?.state === 'recording';
  }

  // -> {blob, seconds}
  stop() {
    return new Promise((resolve) => {
      this.recorder.onstop = () => {
        for (const track of this.stream.getTracks()) track.stop();
        const blob = new Blob(this.parts, { type: this.recorder.mimeType });
        resolve({ blob, seconds: (performance.now() - this.startedAt) / 1000 });
      };
      this.recorder.stop();
    });
  }
}

export function fileNameFor(blob) {
  const type = blob.type.split(';')[0];
  const extension = { 'audio/webm': 'webm', 'audio/ogg': 'ogg', 'audio/mp4': 'm4a' }[type] ?? 'bin';
  return `voice-message.${extension}`;
}
