// The voice message tab: record (or pick) a message, submit it as a voice job (POST /v1/voice),
// and follow the job's events, playing the reply's audio as it arrives.

import { api } from '../api.js';
import { fillProfiles, relabelProfiles, summary } from '../apps.js';
import { t } from '../i18n.js';
import { TranscriptView } from '../transcript.js';
import { describeError } from '../errors.js';
import { followEvents } from './sse.js';
import { ClipPlayer } from './clip-player.js';
import { VoiceRecorder, fileNameFor } from './recorder.js';

const STEPS = ['queued', 'heard', 'answering', 'speaking', 'done'];
const USER_ITEM = 'voice-user';
const REPLY_ITEM = 'voice-reply';

export class VoicePanel {
  constructor(root) {
    this.root = root;
    const $ = (selector) => root.querySelector(selector);
    this.form = $('#voice-form');
    this.profile = $('#voice-profile');
    this.profileSummary = $('#voice-profile-summary');
    this.replayButton = $('#voice-replay');
    this.stopButton = $('#voice-stop');
    this.cards = [];
    this.player = null;
    this.recordButton = $('#record-button');
    this.recordStatus = $('#record-status');
    this.file = $('#voice-file');
    this.sendButton = $('#voice-send');
    this.steps = $('#voice-steps');
    this.status = $('#voice-status');
    this.errorBox = $('#voice-error');
    this.errorText = $('#voice-error-text');
    this.audioStatus = $('#voice-audio');
    this.transcript = new TranscriptView($('#voice-transcript'));
    this.recorder = new VoiceRecorder();
    this.message = null; // {blob, name}: the recording or file to send
    this.sessionId = `web-${crypto.randomUUID()}`;
    this.bind();
  }

  populate({ models }) {
    this.cards = models;
    fillProfiles(this.profile, models);
    this.relabel();
  }

  relabel() {
    relabelProfiles(this.profile, this.cards);
    this.profileSummary.textContent = summary(this.cards.find((card) => card.id === this.profile.value));
    if (this.player) this.showAudio(this.player);
  }

  bind() {
    this.recordButton.addEventListener('click', () => this.toggleRecording());
    this.profile.addEventListener('change', () => this.relabel());
    this.replayButton.addEventListener('click', () => this.replay());
    this.stopButton.addEventListener('click', () => this.stopPlaying());
    this.file.addEventListener('change', () => {
      const [file] = this.file.files;
      if (file) this.message = { blob: file, name: file.name };
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.send();
    });
  }

  async toggleRecording() {
    this.hideError();
    try {
      if (this.recorder.recording) {
        const { blob, seconds } = await this.recorder.stop();
        this.message = { blob, name: fileNameFor(blob) };
        this.file.value = '';
        this.recordStatus.textContent = t('voice.recorded', { s: seconds.toFixed(1) });
        this.setRecording(false);
      } else {
        await this.recorder.start();
        this.setRecording(true);
      }
    } catch (error) {
      this.setRecording(false);
      this.showError(error);
    }
  }

  setRecording(recording) {
    this.recordButton.setAttribute('aria-pressed', String(recording));
    this.recordButton.dataset.i18n = recording ? 'voice.stop' : 'voice.record';
    this.recordButton.textContent = t(this.recordButton.dataset.i18n);
    this.sendButton.disabled = recording;
  }

  async send() {
    if (!this.message) {
      this.status.textContent = t('voice.nothing');
      return;
    }
    this.reset();
    this.root.dataset.state = 'sending';
    this.sendButton.disabled = true;
    this.player?.close();
    const context = new AudioContext(); // made inside the click, so it may play
    const player = new ClipPlayer(context);
    this.player = player;
    player.onChange = () => this.showAudio(player);
    this.stopButton.hidden = false;
    try {
      const secret = (await api.secret(this.profile.value)).value;
      const job = await api.submitVoice(this.formFor(), secret);
      this.step('queued');
      await followEvents(job.stream_url, {
        secret,
        onEvent: (event) => this.handle(event, player),
        onRetry: (attempt) => { this.status.textContent = t('voice.reconnecting', { n: attempt }); },
      });
      await player.finished();
      if (this.root.dataset.state !== 'error') {
        this.step('done', { complete: true });
        this.root.dataset.state = 'done';
      }
    } catch (error) {
      this.showError(error);
    } finally {
      this.sendButton.disabled = false;
      this.stopButton.hidden = true;
      this.replayButton.hidden = player.parts === 0;
    }
  }

  // The reply, played again from its first part (the decoded parts are kept).
  async replay() {
    if (!this.player) return;
    this.stopButton.hidden = false;
    this.root.dataset.playing = 'true';
    await this.player.replay();
    delete this.root.dataset.playing;
    this.stopButton.hidden = true;
  }

  stopPlaying() {
    this.player?.stop();
    this.stopButton.hidden = true;
  }

  formFor() {
    const form = new FormData();
    form.append('file', this.message.blob, this.message.name);
    form.append('session_id', this.sessionId);
    form.append('profile', this.profile.value);
    form.append('output_format', 'mp3');
    form.append('modalities', 'text,audio');
    return form;
  }

  handle(event, player) {
    const data = JSON.parse(event.data);
    switch (event.event) {
      case 'transcript':
        this.transcript.user(USER_ITEM, data.text || t('unheard'));
        this.step('heard');
        break;
      case 'tool_call':
        this.transcript.toolCall(data.call_id, data.name, data.arguments);
        break;
      case 'tool_result':
        this.transcript.toolResult(data.call_id, data);
        break;
      case 'token':
        this.transcript.assistantDelta(REPLY_ITEM, data.content);
        this.step('answering');
        break;
      case 'audio_chunk':
        this.transcript.assistant(REPLY_ITEM);
        player.enqueue(data.seq, data.data);
        this.step('speaking');
        break;
      case 'done':
        this.transcript.finish(REPLY_ITEM);
        this.status.textContent = '';
        break;
      case 'error':
        this.showError({ code: data.code, message: data.message });
        break;
    }
  }

  step(name, { complete = false } = {}) {
    const reached = STEPS.indexOf(name);
    for (const item of this.steps.children) {
      const index = STEPS.indexOf(item.dataset.step);
      item.classList.toggle('complete', index < reached || (complete && index === reached));
      if (index === reached && !complete) item.setAttribute('aria-current', 'step');
      else item.removeAttribute('aria-current');
    }
    this.root.dataset.step = name;
  }

  showAudio(player) {
    this.audioStatus.dataset.parts = String(player.parts);
    this.audioStatus.textContent = t('voice.audio', { parts: player.parts, s: player.seconds.toFixed(1) });
  }

  reset() {
    this.transcript.clear();
    this.hideError();
    this.status.textContent = '';
    this.audioStatus.textContent = '';
    delete this.audioStatus.dataset.parts;
    this.replayButton.hidden = true;
    for (const item of this.steps.children) {
      item.classList.remove('complete');
      item.removeAttribute('aria-current');
    }
  }

  showError(error) {
    this.root.dataset.state = 'error';
    this.errorBox.hidden = false;
    const rejected = error?.name === 'ApiError' && [400, 413, 415].includes(error.status);
    this.errorText.textContent = rejected ? t('error.upload', { reason: error.message }) : describeError(error).text;
  }

  hideError() {
    this.errorBox.hidden = true;
  }
}
