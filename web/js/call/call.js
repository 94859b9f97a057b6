// One call: the Realtime protocol side of the call page, without any DOM. It emits what happens
// (a state snapshot on every change, transcript pieces, tool calls, levels) for the view to show.
//
// The call goes over WebRTC when it can (the browser's echo cancellation, noise suppression and gain
// control work on the call, and the server plays the reply at real time), else over the WebSocket;
// `transport` in the snapshot says which. Push-to-talk always uses the WebSocket.
//
// Phases: connecting -> live <-> reconnecting -> ended | error. While live, what is happening right
// now (hearing you, thinking, playing the reply, push-to-talk held, muted) is in the snapshot.
// A dropped connection is retried with backoff; the page keeps the transcript and replays the
// finished turns into the new session, so the conversation carries on.

import { Microphone } from '../audio/microphone.js';
import { Player } from '../audio/player.js';
import { bytesToBase64 } from '../audio/pcm.js';
import { isTransient } from '../errors.js';
import { backoffMs, connect } from './connect.js';
import { PushToTalk } from './push-to-talk.js';

export class Call extends EventTarget {
  // options: {profile, options: {name: value}, mode: 'vad' | 'ptt', opensCall, language?}
  // resume: {turns, startedAt} of a call that failed, to carry on with (its turns are replayed)
  constructor(options, resume = null) {
    super();
    this.options = options;
    this.resume = resume;
    this.phase = 'idle';
    this.transport = null; // 'webrtc' | 'websocket' once connected
    this.flags = { hearing: false, thinking: false, playing: false, muted: false, talking: false };
    this.attempt = 0;
    this.activeResponse = null;
    this.cause = null; // what the next reply answers: 'speech' | 'text' | 'opening'
    this.lastVoicedAt = null; // AudioContext time of the last voiced microphone sample
    this.cutItems = new Set(); // assistant items cut short: their late audio is dropped
    this.turns = [...(resume?.turns ?? [])]; // finished turns {role, text}, replayed into a new session after a reconnect
    this.replaying = 0; // user items being replayed: their echo is not a new turn
    this.firstDelta = new Map(); // itemId -> performance.now() when its first audio arrived
    this.pushToTalk = new PushToTalk({
      begin: () => this.beginTalking(),
      send: (base64) => this.connection?.send({ type: 'input_audio_buffer.append', audio: base64 }),
      end: () => this.endTalking(),
      tooShort: () => this.emit('notice', { code: 'talk_too_short' }),
    });
    // Created inside the click that starts the call, so browsers let it play sound.
    this.context = new AudioContext({ latencyHint: 'interactive' });
  }

  emit(type, detail = {}) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  get snapshot() {
    return { phase: this.phase, mode: this.options.mode, attempt: this.attempt, transport: this.transport, ...this.flags };
  }

  set(changes) {
    const before = JSON.stringify(this.snapshot);
    Object.assign(this.flags, changes.flags ?? {});
    if (changes.phase) this.phase = changes.phase;
    if (JSON.stringify(this.snapshot) !== before) this.emit('change', { ...this.snapshot, error: changes.error });
  }

  async start() {
    this.set({ phase: 'connecting' });
    try {
      await this.context.resume();
      this.player = new Player(this.context);
      await this.player.load();
      this.watchPlayer();
      this.microphone = new Microphone(this.context);
      await this.microphone.start({
        onChunk: (pcm, lastVoicedAt) => this.captured(pcm, lastVoicedAt),
        onLevel: (level) => this.emit('level', { level }),
      });
      this.microphone.muted = this.flags.muted;
      await this.open();
      this.startedAt = this.resume?.startedAt ?? performance.now();
      this.emit('connected', { startedAt: this.startedAt });
      if (this.turns.length) this.replayTurns();
      else if (this.options.opensCall) this.respond('opening');
    } catch (error) {
      this.fail(error);
    }
  }

  async open() {
    const { connection, secret, sessionId, transport } = await this.connectPreferred();
    if (this.phase === 'ended') {
      connection.close();
      return;
    }
    Object.assign(this, { connection, secret, sessionId, transport });
    connection.onClose = () => this.reconnect();
    this.set({ phase: 'live', flags: { hearing: false, thinking: false, talking: false } });
  }

  // WebRTC first (unless push-to-talk, or the page was asked for the WebSocket); the WebSocket if it fails.
  async connectPreferred() {
    const onEvent = (event) => this.handle(event);
    const track = this.microphone?.stream?.getAudioTracks()[0];
    if (this.options.mode !== 'ptt' && preferredTransport() === 'webrtc' && track) {
      try {
        const opened = await connect(this.options, onEvent, { track, onRemote: (stream) => this.playRemote(stream) });
        return { ...opened, transport: 'webrtc' };
      } catch (error) {
        this.emit('transport-fallback', { reason: error.code ?? error.message });
      }
    }
    return { ...(await connect(this.options, onEvent)), transport: 'websocket' };
  }

  // The reply track: played through the page's audio graph (so the waveform shows it). Chromium only
  // feeds a remote stream to Web Audio while a media element holds it too.
  playRemote(stream) {
    this.remoteElement = Object.assign(new Audio(), { muted: true, srcObject: stream });
    this.remoteElement.play().catch(() => {});
    this.remoteSource?.disconnect();
    this.remoteSource = this.context.createMediaStreamSource(stream);
    this.remoteSource.connect(this.player.analyser);
  }

  // The connection dropped: try again with backoff, keeping the transcript, the timer and the turns.
  async reconnect() {
    if (this.phase === 'ended' || this.phase === 'reconnecting') return;
    this.connection = null;
    this.pushToTalk.cancel();
    this.player?.stop();
    this.activeResponse = null;
    for (let attempt = 1; ; attempt += 1) {
      const wait = backoffMs(attempt);
      if (wait === null) {
        this.fail(Object.assign(new Error('the connection dropped and every reconnect failed'), { code: 'connection_lost' }));
        return;
      }
      this.attempt = attempt;
      this.set({ phase: 'reconnecting', flags: { hearing: false, thinking: false, playing: false, talking: false } });
      await new Promise((resolve) => setTimeout(resolve, wait));
      if (this.phase !== 'reconnecting') return; // hung up meanwhile
      try {
        await this.open();
        this.replayTurns();
        this.attempt = 0;
        this.emit('reconnected');
        return;
      } catch (error) {
        if (!isTransient(error)) {
          this.fail(error);
          return;
        }
      }
    }
  }

  replayTurns() {
    for (const { role, text } of this.turns) {
      if (role === 'user') this.replaying += 1;
      const part = role === 'user' ? { type: 'input_text', text } : { type: 'output_text', text };
      this.connection.send({ type: 'conversation.item.create', item: { type: 'message', role, content: [part] } });
    }
  }

  watchPlayer() {
    this.player.onStart = (itemId, at) => {
      this.set({ flags: { playing: true, thinking: false } });
      if (this.cause === 'speech' && this.lastVoicedAt !== null && at !== undefined) {
        const clock = this.context.getOutputTimestamp();
        const heardAt = clock.performanceTime + (at - clock.contextTime) * 1000; // when it leaves the speaker
        this.emit('latency', { itemId, ms: (at - this.lastVoicedAt) * 1000, lastVoicedAt: this.lastVoicedAt, playedAt: at,
          outputLatencyMs: (this.context.outputLatency || 0) * 1000,
          arrivalToSpeakerMs: heardAt - (this.firstDelta.get(itemId) ?? heardAt) });
      }
      this.cause = null;
    };
    this.player.onProgress = (itemId, playedMs) => this.emit('assistant-heard', { itemId, playedMs });
    this.player.onDrained = () => this.set({ flags: { playing: false, thinking: Boolean(this.activeResponse) } });
  }

  handle(event) {
    switch (event.type) {
      case 'input_audio_buffer.speech_started':
        this.set({ flags: { hearing: true } });
        this.interrupt({ cancel: false });
        break;
      case 'input_audio_buffer.speech_stopped':
        this.cause = 'speech';
        this.set({ flags: { hearing: false, thinking: true } });
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
        this.userSaid(event.item_id, event.transcript);
        break;
      case 'conversation.item.input_audio_transcription.failed':
        this.emit('user-transcript', { itemId: event.item_id, text: '', final: true });
        break;
      case 'response.created':
        this.activeResponse = event.response.id;
        if (!this.flags.playing) this.set({ flags: { thinking: true } });
        break;
      case 'response.output_item.added':
        if (event.item.type === 'message') this.emit('assistant-item', { itemId: event.item.id });
        break;
      case 'response.output_audio_transcript.delta':
      case 'response.output_text.delta':
        this.emit('assistant-transcript', { itemId: event.item_id, delta: event.delta });
        break;
      case 'output_audio_buffer.started':
        this.set({ flags: { playing: true, thinking: false } });
        this.cause = null;
        break;
      case 'output_audio_buffer.stopped':
      case 'output_audio_buffer.cleared':
        this.set({ flags: { playing: false, thinking: Boolean(this.activeResponse) } });
        break;
      case 'response.output_audio.delta':
        if (!this.firstDelta.has(event.item_id)) this.firstDelta.set(event.item_id, performance.now());
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
    if (!typed) return;
    if (this.replaying > 0) {
      this.replaying -= 1;
      return;
    }
    this.turns.push({ role: 'user', text: typed.text });
    this.emit('user-item', { itemId: item.id, text: typed.text });
  }

  userSaid(itemId, transcript) {
    if (transcript) this.turns.push({ role: 'user', text: transcript });
    this.emit('user-transcript', { itemId, text: transcript, final: true });
  }

  outputItemDone(item) {
    if (item.type === 'function_call') {
      this.emit('tool-call', { callId: item.call_id, name: item.name, arguments: item.arguments });
    } else if (item.type === 'message') {
      this.player.flush(item.id);
      const text = item.content?.map((part) => part.transcript ?? part.text ?? '').join('');
      if (text) this.turns.push({ role: 'assistant', text });
      this.emit('assistant-audio', { itemId: item.id, receivedMs: this.player.receivedMs(item.id),
        parts: this.player.parts.get(item.id) ?? 0 });
    }
  }

  responseDone(response) {
    if (response.id === this.activeResponse) this.activeResponse = null;
    this.emit('response-done', { response });
    if (response.status === 'failed') {
      this.emit('notice', { code: response.status_details?.error?.code, message: response.status_details?.error?.message });
    }
    if (!this.player.busy) this.set({ flags: { thinking: false, playing: false } });
  }

  // Barge-in: stop playback at once and tell the server how much of the reply was actually heard.
  // Over WebRTC the server plays the reply, so it cuts the playout and truncates by itself.
  async interrupt({ cancel }) {
    if (cancel && this.activeResponse) this.connection?.send({ type: 'response.cancel' });
    if (this.transport === 'webrtc') {
      if (cancel && this.flags.playing) this.connection?.send({ type: 'output_audio_buffer.clear' });
      return;
    }
    if (!this.player?.busy) return;
    for (const itemId of this.player.received.keys()) this.cutItems.add(itemId);
    const cut = await this.player.stop();
    if (!cut) return;
    this.connection?.send({
      type: 'conversation.item.truncate', item_id: cut.itemId, content_index: 0, audio_end_ms: cut.playedMs,
    });
  }

  captured(pcm, lastVoicedAt) {
    if (this.flags.muted || !this.connection?.open) return;
    if (lastVoicedAt !== null && lastVoicedAt !== undefined) this.lastVoicedAt = lastVoicedAt;
    if (this.transport === 'webrtc') return; // the microphone's track carries the audio
    const base64 = bytesToBase64(pcm);
    if (this.options.mode === 'ptt') this.pushToTalk.chunk(base64);
    else this.connection.send({ type: 'input_audio_buffer.append', audio: base64 });
  }

  respond(cause) {
    this.cause = cause;
    this.connection?.send({ type: 'response.create' });
    this.set({ flags: { thinking: true } });
  }

  sendText(text) {
    if (!this.connection?.open || !text.trim()) return false;
    this.interrupt({ cancel: true });
    this.connection.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: text.trim() }] },
    });
    this.respond('text');
    return true;
  }

  pressToTalk() {
    if (this.phase === 'live' && !this.flags.muted) this.pushToTalk.press();
  }

  releaseToTalk() {
    this.pushToTalk.release();
  }

  // Held past the tap threshold: now it is a turn, so the reply stops and the buffer starts afresh.
  beginTalking() {
    this.connection?.send({ type: 'input_audio_buffer.clear' });
    this.interrupt({ cancel: true });
    this.set({ flags: { talking: true } });
  }

  endTalking() {
    this.set({ flags: { talking: false } });
    this.connection?.send({ type: 'input_audio_buffer.commit' });
    this.respond('speech');
  }

  set muted(muted) {
    if (this.microphone) this.microphone.muted = muted;
    if (muted) this.pushToTalk.cancel();
    this.set({ flags: { muted, talking: muted ? false : this.flags.talking } });
  }

  get seconds() {
    return this.startedAt ? ((this.endedAt ?? performance.now()) - this.startedAt) / 1000 : 0;
  }

  hangUp() {
    if (this.phase === 'ended' || this.phase === 'error') return;
    this.release();
    this.set({ phase: 'ended' });
    this.emit('ended', { sessionId: this.sessionId, secret: this.secret, seconds: this.seconds });
  }

  fail(error) {
    if (this.phase === 'ended' || this.phase === 'error') return;
    this.release();
    this.set({ phase: 'error', error });
  }

  release() {
    this.endedAt = performance.now();
    this.pushToTalk.cancel();
    this.microphone?.stop();
    this.player?.stop();
    this.connection?.close();
    this.remoteSource?.disconnect();
    if (this.remoteElement) this.remoteElement.srcObject = null;
    this.context.close();
  }
}

// 'webrtc' unless this browser was asked for the WebSocket (localStorage talkline.transport = 'websocket').
export function preferredTransport() {
  return localStorage.getItem('talkline.transport') === 'websocket' ? 'websocket' : 'webrtc';
}
