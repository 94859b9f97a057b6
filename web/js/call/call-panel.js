// The call tab: the setup, then the call screen (a one-line summary, the state, the transcript and a
// control bar that stays in view on phones), then what comes after the call. One Call at a time.

import { Call } from './call.js';
import { IN_CALL, visibleState } from './call-state.js';
import { CallDetails } from './details.js';
import { Setup } from './setup.js';
import { t } from '../i18n.js';
import { TranscriptView } from '../transcript.js';
import { LevelMeter, Waveform } from '../meters.js';
import { describeError } from '../errors.js';

export class CallPanel {
  constructor(root) {
    this.root = root;
    const $ = (selector) => root.querySelector(selector);
    this.setup = new Setup($('#call-setup'));
    this.screen = $('#call-screen');
    this.summary = $('#call-summary');
    this.callInfo = $('#app-call-info');
    this.stateBox = $('#call-state');
    this.stateText = $('#call-state-text');
    this.timer = $('#call-timer');
    this.errorBox = $('#call-error');
    this.errorText = $('#call-error-text');
    this.errorDetails = $('#call-error-details');
    this.errorDetail = $('#call-error-detail');
    this.retryButton = $('#retry-button');
    this.bar = $('#call-bar');
    this.controls = $('#call-controls');
    this.talkButton = $('#talk-button');
    this.talkHint = $('#talk-hint');
    this.muteButton = $('#mute-button');
    this.endButton = $('#end-button');
    this.textForm = $('#text-form');
    this.textInput = $('#text-input');
    this.notice = $('#call-notice');
    this.after = $('#after-call');
    this.afterBody = $('#after-call-body');
    this.transcript = new TranscriptView($('#transcript'), { jumpButton: $('#jump-latest') });
    this.details = new CallDetails($('#call-details-list'));
    this.level = new LevelMeter($('#input-level'));
    this.waveform = new Waveform($('#output-wave'));
    this.call = null;
    this.bind();
    this.show({ phase: 'idle' });
  }

  populate({ models }) {
    return this.setup.populate(models);
  }

  relabel() {
    this.setup.refresh();
    this.transcript.relabel();
    this.details.relabel();
    this.show(this.call?.snapshot ?? { phase: 'idle' });
    if (this.call) this.summary.textContent = this.setup.summaryLine();
    if (this.call && IN_CALL.has(this.call.phase)) this.setup.module?.renderCallInfo?.(this.callInfo, this.call.options.options);
  }

  bind() {
    this.setup.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.startCall();
    });
    this.retryButton.addEventListener('click', () => this.startCall({ resume: this.call?.startedAt ? this.call : null }));
    this.endButton.addEventListener('click', () => this.endCall());
    this.root.querySelector('#new-call-button').addEventListener('click', () => this.backToSetup());
    this.muteButton.addEventListener('click', () => this.toggleMute());
    this.textForm.addEventListener('submit', (event) => {
      event.preventDefault();
      if (this.call?.sendText(this.textInput.value)) this.textInput.value = '';
    });
    this.bindPushToTalk();
  }

  bindPushToTalk() {
    const press = (event) => {
      event.preventDefault();
      this.call?.pressToTalk();
    };
    const release = () => this.call?.releaseToTalk();
    this.talkButton.addEventListener('pointerdown', press);
    for (const type of ['pointerup', 'pointercancel', 'pointerleave']) this.talkButton.addEventListener(type, release);
    this.talkButton.addEventListener('contextmenu', (event) => event.preventDefault()); // long press on phones
    document.addEventListener('keydown', (event) => {
      if (event.code !== 'Space' || event.repeat || !this.pushToTalkActive(event.target)) return;
      press(event);
    });
    document.addEventListener('keyup', (event) => {
      if (event.code !== 'Space' || !this.pushToTalkActive(event.target)) return;
      event.preventDefault();
      release();
    });
  }

  // Space talks unless focus is somewhere typing or another control needs it.
  pushToTalkActive(target) {
    if (!this.call || this.call.options.mode !== 'ptt' || this.call.phase !== 'live' || this.root.hidden) return false;
    const typing = target.closest?.('input, select, textarea, summary, [contenteditable]');
    const otherButton = target.closest?.('button') && target !== this.talkButton;
    return !typing && !otherButton;
  }

  // resume: a failed call whose conversation carries on (its transcript and timer are kept)
  startCall({ resume = null } = {}) {
    if (this.call && IN_CALL.has(this.call.phase)) return;
    const choice = resume ? resume.options : this.setup.value();
    const call = new Call(choice, resume ? { turns: resume.turns, startedAt: resume.startedAt } : null);
    this.call = call;
    if (!resume) {
      this.transcript.clear();
      this.details.clear();
      this.timer.textContent = '00:00';
    }
    this.after.hidden = true;
    this.notice.textContent = '';
    this.setMuted(false);
    this.root.dataset.mode = choice.mode;
    this.summary.textContent = this.setup.summaryLine();
    this.transcript.setSpeaker(() => this.setup.speakerName());
    this.callInfo.replaceChildren();
    this.setup.module?.renderCallInfo?.(this.callInfo, choice.options);
    this.listen(call);
    call.start();
    this.focusAfterStart();
  }

  focusAfterStart() {
    const target = this.root.dataset.mode === 'ptt' ? this.talkButton : this.muteButton;
    target.focus();
  }

  listen(call) {
    const on = (type, handler) => call.addEventListener(type, (event) => {
      if (this.call === call) handler(event.detail);
    });
    on('change', (snapshot) => this.show(snapshot));
    on('connected', () => this.startTimer());
    on('reconnected', () => { this.notice.textContent = t('state.reconnected'); });
    on('level', ({ level }) => this.level.show(level));
    on('user-item', ({ itemId, text }) => this.transcript.user(itemId, text));
    on('user-transcript', (detail) => this.transcript.userTranscript(detail.itemId, detail));
    on('assistant-item', ({ itemId }) => {
      this.transcript.assistant(itemId);
      if (call.cause === 'opening') this.details.note(itemId, 'greeting', true);
    });
    on('assistant-transcript', ({ itemId, delta }) => this.transcript.assistantDelta(itemId, delta));
    on('assistant-audio', ({ itemId, receivedMs, parts }) => {
      this.transcript.assistantReceived(itemId, receivedMs);
      this.details.note(itemId, 'audio', { ms: receivedMs, parts });
    });
    on('assistant-heard', ({ itemId, playedMs }) => this.transcript.assistantHeard(itemId, playedMs));
    on('assistant-cut', ({ itemId, playedMs }) => this.transcript.assistantHeard(itemId, playedMs, { cut: true }));
    on('latency', (mark) => this.latency(mark));
    on('tool-call', ({ callId, name, arguments: args }) => this.transcript.toolCall(callId, name, args));
    on('tool-result', ({ callId, output }) => this.transcript.toolResult(callId, output));
    on('response-done', ({ response }) => this.responseDone(response));
    on('notice', ({ code, message }) => this.showNotice(code, message));
    on('ended', (ending) => this.ended(ending));
  }

  latency(mark) {
    this.transcript.mark(mark.itemId, 'mouthToEarMs', mark.ms);
    this.details.note(mark.itemId, 'mouth_to_ear', mark);
    (window.talklineLatency ??= []).push(mark); // read by the browser latency benchmark
  }

  responseDone(response) {
    const timings = response.timings;
    for (const item of response.output ?? []) {
      // only replies to speech have a speech end to count from (not the opening line, not typed turns)
      if (item.type !== 'message' || timings?.committed === undefined || timings.first_audio === undefined) continue;
      this.transcript.mark(item.id, 'firstAudioMs', timings.first_audio);
      this.details.note(item.id, 'stages', timings);
    }
  }

  showNotice(code, message) {
    const known = { input_audio_buffer_commit_empty: 'notice.commit_empty', talk_too_short: 'talk.too_short' };
    this.notice.textContent = known[code] ? t(known[code]) : message ?? '';
  }

  show(snapshot) {
    const { phase } = snapshot;
    const state = visibleState(snapshot);
    const active = IN_CALL.has(phase);
    this.root.dataset.state = state;
    this.root.dataset.phase = phase;
    this.root.toggleAttribute('data-in-call', active);
    this.showTransport(active ? snapshot.transport : null);
    if (snapshot.talking || snapshot.hearing) this.notice.textContent = ''; // a new turn: old notices are stale
    this.stateText.textContent = t(`state.${state}`, { name: this.setup.speakerName(), n: snapshot.attempt ?? 1 });
    this.setup.form.hidden = phase !== 'idle';
    this.setup.disable(active);
    this.screen.hidden = phase === 'idle';
    const live = phase === 'live';
    this.bar.hidden = !active && phase !== 'error';
    this.controls.hidden = !active && phase !== 'error';
    this.talkButton.hidden = this.root.dataset.mode !== 'ptt' || phase === 'error';
    this.muteButton.hidden = phase === 'error';
    this.endButton.dataset.i18n = phase === 'error' ? 'back_to_setup' : 'end';
    this.endButton.textContent = t(this.endButton.dataset.i18n);
    this.talkHint.hidden = this.root.dataset.mode !== 'ptt' || !active;
    this.talkButton.setAttribute('aria-pressed', String(Boolean(snapshot.talking)));
    this.talkButton.textContent = t(snapshot.talking ? 'talk.held' : 'talk');
    this.talkButton.setAttribute('aria-disabled', String(!live || Boolean(snapshot.muted))); // stays focusable
    this.muteButton.disabled = !active;
    this.textForm.hidden = !active;
    this.textInput.disabled = !live;
    this.errorBox.hidden = phase !== 'error';
    if (phase === 'error') this.showError(snapshot.error);
    if (live && this.call?.player?.analyser && !this.waveform.analyser) this.waveform.attach(this.call.player.analyser);
    if (!active) {
      this.stopTimer();
      this.level.reset();
      this.waveform.detach();
    }
  }

  // Which way the call goes (WebRTC, or the WebSocket it fell back to).
  showTransport(transport) {
    const label = this.root.querySelector('#call-transport');
    if (!label) return;
    label.hidden = !transport;
    label.dataset.transport = transport ?? '';
    label.textContent = transport ? t(`transport.${transport}`) : '';
  }

  showError(error) {
    if (!error) return; // a relabel: the text stays
    const { text, detail } = describeError(error);
    this.errorText.textContent = text;
    this.errorDetail.textContent = detail;
    this.errorDetails.hidden = !detail;
    this.retryButton.focus();
  }

  toggleMute() {
    this.setMuted(this.muteButton.getAttribute('aria-pressed') !== 'true');
  }

  setMuted(muted) {
    this.muteButton.setAttribute('aria-pressed', String(muted));
    this.muteButton.dataset.i18n = muted ? 'unmute' : 'mute';
    this.muteButton.textContent = t(this.muteButton.dataset.i18n);
    if (this.call) this.call.muted = muted;
  }

  startTimer() {
    this.stopTimer();
    const tick = () => { this.timer.textContent = clock(this.call?.seconds ?? 0); };
    tick();
    this.timerHandle = setInterval(tick, 500);
  }

  stopTimer() {
    clearInterval(this.timerHandle);
    if (this.call?.startedAt) this.timer.textContent = clock(this.call.seconds);
  }

  endCall() {
    if (!this.call) return;
    if (this.call.phase === 'error') {
      this.call = null;
      this.backToSetup();
      return;
    }
    this.call.hangUp();
  }

  // The after-call panel: the module's (feedback, next steps) or a plain summary; focus moves to it.
  async ended({ sessionId, secret, seconds }) {
    const call = this.call;
    this.after.hidden = false;
    this.show(call.snapshot);
    this.afterBody.replaceChildren(paragraph(t('after.ended', { time: clock(seconds) })));
    this.after.scrollIntoView({ block: 'start' });
    this.after.focus();
    const module = this.setup.module;
    if (!module?.renderAfterCall) return;
    const actions = {
      again: (options) => this.again(call, options),
      setup: () => this.backToSetup(),
    };
    await module.renderAfterCall(this.afterBody, { sessionId, secret, seconds, options: call.options.options, actions });
    if (this.call === call && !this.after.hidden) {
      this.after.scrollIntoView({ block: 'start' });
      this.after.focus();
    }
  }

  // "Try again" / "Try with the other persona": the same setup with some options changed.
  again(previous, options = {}) {
    this.setup.setOptions?.({ ...previous.options.options, ...options });
    this.startCall();
  }

  backToSetup() {
    this.after.hidden = true;
    this.screen.hidden = true;
    this.show({ phase: 'idle' });
    this.setup.profile.focus();
  }
}

function clock(seconds) {
  const whole = Math.floor(seconds);
  return `${String(Math.floor(whole / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
}

function paragraph(text) {
  const element = document.createElement('p');
  element.textContent = text;
  return element;
}
