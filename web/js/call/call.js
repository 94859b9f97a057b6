// One call: the Realtime protocol side of the call page, without any DOM. It emits what happens
// (state changes, transcript pieces, tool calls, levels) as events for the view to show.
//
// States: connecting -> listening <-> thinking <-> speaking -> ended | error

import { api, realtimeUrl } from '../api.js';
import { RealtimeConnection } from '../realtime.js';
import { Microphone } from '../audio/microphone.js';
import { Player } from '../audio/player.js';
import { bytesToBase64 } from '../audio/pcm.js';
import { pollFeedback } from './feedback-poll.js';

export class Call extends EventTarget {
  // options: {profile, scenario?, persona?, language?, mode: 'vad' | 'ptt'}
  constructor(options) {
    super();
    this.options = options;
    this.state = 'idle';
    this.activeResponse = null;
    this.cutItems = new Set(); // assistant items cut short: their late audio is dropped
    this.talking = false; // push-to-talk button held
    this.hearing = false;
    // Created inside the click that starts the call, so browsers let it play sound.
    this.context = new AudioContext();
  }

  emit(type, detail = {}) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  setState(state, error = null) {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', { state, error });
  }

  async start() {
    this.setState('connecting');
    try {
      await this.context.resume();
      const { profile, scenario, persona } = this.options;
      const secret = await api.demoSecret(compact({ profile, scenario, persona }));
      this.secret = secret.value;
      this.player = new Player(this.context);
      await this.player.load();
      this.watchPlayer();
      this.connection = new RealtimeConnection(realtimeUrl(profile), this.secret);
      const created = this.connection.expect('session.created');
      this.connection.listen((event) => this.handle(event));
      this.connection.onClose = (event) => this.lost(event);
      await this.connection.opened;
      this.sessionId = (await created).session.id;
      const updated = this.connection.expect('session.updated');
      this.connection.send({ type: 'session.update', session: this.sessionConfig() });
      await updated;
      this.microphone = new Microphone(this.context);
      await this.microphone.start({ onChunk: (pcm) => this.sendAudio(pcm), onLevel: (level) => this.emit('level', { level }) });
      this.setState('listening');
      this.emit('connected', { sessionId: this.sessionId });
      if (profile === 'practice') this.connection.send({ type: 'response.create' }); // the persona answers the phone
    } catch (error) {
      this.fail(error);
    }
  }

  sessionConfig() {
    const { language, mode } = this.options;
    const input = { transcription: compact({ model: 'whisper-1', language }) };
    if (mode === 'ptt') input.turn_detection = null;
    return { type: 'realtime', audio: { input } };
  }

  watchPlayer() {
    this.player.onStart = () => this.setState('speaking');
    this.player.onProgress = (itemId, playedMs) => this.emit('assistant-heard', { itemId, playedMs });
    this.player.onDrained = () => {
      if (this.state === 'speaking') this.setState(this.activeResponse ? 'thinking' : 'listening');
    };
  }

  handle(event) {
    switch (event.type) {
      case 'input_audio_buffer.speech_started':
        this.hearing = true;
        this.emit('hearing', { hearing: true });
        this.interrupt({ cancel: false });
        break;
      case 'input_audio_buffer.speech_stopped':
        this.hearing = false;
        this.emit('hearing', { hearing: false });
        this.setState('thinking');
        break;
      case 'input_audio_buffer.committed':
        this.emit('user-item', { itemId: event.item_id });
        break;
      case 'conversation.item.added':
        this.itemAdded(event.item);
        break;
      case 'conversation.item.input_audio_transcription.delta':
        this.emit('user-transcript', { itemId: event.item_id, delta: event.delta });
        break;
      case 'conversation.item.input_audio_transcription.completed':
        this.emit('user-transcript', { itemId: event.item_id, text: event.transcript, final: true });
        break;
      case 'conversation.item.input_audio_transcription.failed':
        this.emit('user-transcript', { itemId: event.item_id, text: '', final: true });
        break;
      case 'response.created':
        this.activeResponse = event.response.id;
        if (this.state !== 'speaking') this.setState('thinking');
        break;
      case 'response.output_item.added':
        if (event.item.type === 'message') this.emit('assistant-item', { itemId: event.item.id });
        break;
      case 'response.output_audio_transcript.delta':
      case 'response.output_text.delta':
        this.emit('assistant-transcript', { itemId: event.item_id, delta: event.delta });
        break;
      case 'response.output_audio.delta':
        if (!this.cutItems.has(event.item_id)) this.player.enqueue(event.item_id, event.delta);
        break;
      case 'response.output_item.done':
        this.outputItemDone(event.item);
        break;
      case 'conversation.item.done':
        if (event.item.type === 'function_call_output') {
          this.emit('tool-result', { callId: event.item.call_id, output: event.item.output });
        }
        break;
      case 'conversation.item.truncated':
        this.emit('assistant-cut', { itemId: event.item_id, playedMs: event.audio_end_ms });
        break;
      case 'response.done':
        this.responseDone(event.response);
        break;
      case 'error':
        this.emit('notice', { code: event.error?.code, message: event.error?.message });
        break;
    }
  }

  itemAdded(item) {
    if (item.type !== 'message' || item.role !== 'user') return;
    const typed = item.content?.find((part) => part.type === 'input_text');
    if (typed) this.emit('user-item', { itemId: item.id, text: typed.text });
  }

  outputItemDone(item) {
    if (item.type === 'function_call') {
      this.emit('tool-call', { callId: item.call_id, name: item.name, arguments: item.arguments });
    } else if (item.type === 'message') {
      this.emit('assistant-audio', { itemId: item.id, receivedMs: this.player.receivedMs(item.id) });
    }
  }

  responseDone(response) {
    if (response.id === this.activeResponse) this.activeResponse = null;
    this.emit('response-done', { response });
    if (response.status === 'failed') {
      this.emit('notice', { code: response.status_details?.error?.code, message: response.status_details?.error?.message });
    }
    if (!this.player.busy && !this.hearing && this.state !== 'ended' && this.state !== 'error') {
      this.setState('listening');
    }
  }

  // Barge-in: stop playback at once and tell the server how much of the reply was actually heard.
  async interrupt({ cancel }) {
    if (cancel && this.activeResponse) this.connection.send({ type: 'response.cancel' });
    if (!this.player?.busy) return;
    for (const itemId of this.player.received.keys()) this.cutItems.add(itemId);
    const cut = await this.player.stop();
    if (!cut) return;
    this.connection.send({
      type: 'conversation.item.truncate', item_id: cut.itemId, content_index: 0, audio_end_ms: cut.playedMs,
    });
  }

  sendAudio(pcm) {
    if (!this.connection?.open) return;
    if (this.options.mode === 'ptt' && !this.talking) return;
    this.connection.send({ type: 'input_audio_buffer.append', audio: bytesToBase64(pcm) });
  }

  sendText(text) {
    if (!this.connection?.open || !text.trim()) return;
    this.interrupt({ cancel: true });
    this.connection.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: text.trim() }] },
    });
    this.connection.send({ type: 'response.create' });
    this.setState('thinking');
  }

  pressToTalk() {
    if (this.talking || !this.connection?.open) return;
    this.talking = true;
    this.connection.send({ type: 'input_audio_buffer.clear' });
    this.interrupt({ cancel: true });
    this.emit('hearing', { hearing: true });
  }

  releaseToTalk() {
    if (!this.talking) return;
    this.talking = false;
    this.emit('hearing', { hearing: false });
    this.connection.send({ type: 'input_audio_buffer.commit' });
    this.connection.send({ type: 'response.create' });
    this.setState('thinking');
  }

  set muted(muted) {
    if (this.microphone) this.microphone.muted = muted;
  }

  async hangUp() {
    if (this.state === 'ended' || this.state === 'error') return;
    this.release();
    this.setState('ended');
    if (this.options.profile === 'practice' && this.sessionId) {
      this.emit('feedback', { loading: true });
      const feedback = await pollFeedback(this.sessionId, this.secret);
      this.emit('feedback', { feedback });
    }
  }

  lost(event) {
    const error = new Error(event.reason || `code ${event.code}`);
    error.code = 'connection';
    this.fail(error);
  }

  fail(error) {
    if (this.state === 'ended' || this.state === 'error') return;
    this.release();
    this.setState('error', error);
  }

  release() {
    this.microphone?.stop();
    this.player?.stop();
    this.connection?.close();
    this.context.close();
  }
}

function compact(object) {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== null && value !== ''));
}
