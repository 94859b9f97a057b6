// The call tab: the setup form, state and timer, meters, transcript, controls and feedback,
// wired to one Call at a time.

import { Call } from './call.js';
import { t, pick } from '../i18n.js';
import { TranscriptView } from '../transcript.js';
import { LevelMeter, Waveform } from '../meters.js';
import { renderFeedback } from '../feedback.js';
import { describeError } from '../errors.js';

const IN_CALL = new Set(['connecting', 'listening', 'thinking', 'speaking']);

export class CallPanel {
  constructor(root) {
    this.root = root;
    const $ = (selector) => root.querySelector(selector);
    this.form = $('#call-setup');
    this.choices = $('.choices');
    this.profile = $('#profile');
    this.practiceOptions = $('#practice-options');
    this.scenario = $('#scenario');
    this.persona = $('#persona');
    this.callLanguage = $('#call-language');
    this.callButton = $('#call-button');
    this.stateText = $('#call-state-text');
    this.timer = $('#call-timer');
    this.errorBox = $('#call-error');
    this.errorText = $('#call-error-text');
    this.controls = $('#call-controls');
    this.talkButton = $('#talk-button');
    this.talkHint = $('#talk-hint');
    this.muteButton = $('#mute-button');
    this.textForm = $('#text-form');
    this.textInput = $('#text-input');
    this.notice = $('#call-notice');
    this.feedback = $('#feedback');
    this.feedbackBody = $('#feedback-body');
    this.transcript = new TranscriptView($('#transcript'));
    this.level = new LevelMeter($('#input-level'));
    this.waveform = new Waveform($('#output-wave'));
    this.call = null;
    this.bind();
    this.showState('idle');
  }

  populate({ models, scenarios, personas }) {
    fillSelect(this.profile, models.map((model) => [model.id, model.id]));
    fillSelect(this.scenario, scenarios.map((scenario) => [scenario.id, pick(scenario.title)]));
    fillSelect(this.persona, personas.map((persona) => [persona.id, pick(persona.name)]));
    this.catalog = { scenarios, personas };
    this.showPracticeOptions();
  }

  relabel() {
    if (!this.catalog) return;
    relabelSelect(this.scenario, this.catalog.scenarios, (scenario) => pick(scenario.title));
    relabelSelect(this.persona, this.catalog.personas, (persona) => pick(persona.name));
    this.muteButton.textContent = t(this.muteButton.getAttribute('aria-pressed') === 'true' ? 'unmute' : 'mute');
  }

  bind() {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.startCall();
    });
    this.profile.addEventListener('change', () => this.showPracticeOptions());
    this.scenario.addEventListener('change', () => this.choosePersonaForScenario());
    this.root.querySelector('#retry-button').addEventListener('click', () => this.startCall());
    this.root.querySelector('#end-button').addEventListener('click', () => this.call?.hangUp());
    this.muteButton.addEventListener('click', () => this.toggleMute());
    this.textForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.call?.sendText(this.textInput.value);
      this.textInput.value = '';
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
    this.talkButton.addEventListener('pointerup', release);
    this.talkButton.addEventListener('pointercancel', release);
    this.talkButton.addEventListener('pointerleave', release);
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
    if (!this.call || this.call.options.mode !== 'ptt' || !IN_CALL.has(this.call.state)) return false;
    if (this.root.hidden) return false;
    const typing = target.closest?.('input, select, textarea, [contenteditable]');
    const otherButton = target.closest?.('button') && target !== this.talkButton;
    return !typing && !otherButton;
  }

  showPracticeOptions() {
    this.practiceOptions.hidden = this.profile.value !== 'practice';
    if (!this.practiceOptions.hidden) this.choosePersonaForScenario();
  }

  choosePersonaForScenario() {
    const scenario = this.catalog?.scenarios.find((item) => item.id === this.scenario.value);
    if (scenario) this.persona.value = scenario.default_persona;
  }

  choice() {
    const practice = this.profile.value === 'practice';
    return {
      profile: this.profile.value,
      scenario: practice ? this.scenario.value : undefined,
      persona: practice ? this.persona.value : undefined,
      language: practice ? this.callLanguage.value : undefined,
      mode: this.form.elements.mode.value,
    };
  }

  startCall() {
    if (this.call && IN_CALL.has(this.call.state)) return;
    const call = new Call(this.choice());
    this.call = call;
    this.transcript.clear();
    this.feedback.hidden = true;
    this.notice.textContent = '';
    this.muteButton.setAttribute('aria-pressed', 'false');
    this.muteButton.textContent = t('mute');
    this.root.dataset.mode = call.options.mode;
    this.listen(call);
    call.start();
  }

  listen(call) {
    const on = (type, handler) => call.addEventListener(type, (event) => {
      if (this.call === call) handler(event.detail);
    });
    on('state', ({ state, error }) => this.showState(state, error));
    on('connected', () => this.startTimer());
    on('hearing', ({ hearing }) => {
      this.hearing = hearing;
      this.talkButton.setAttribute('aria-pressed', String(hearing && call.talking));
      this.showState(call.state);
    });
    on('level', ({ level }) => this.level.show(level));
    on('user-item', ({ itemId, text }) => this.transcript.user(itemId, text));
    on('user-transcript', (detail) => this.transcript.userTranscript(detail.itemId, detail));
    on('assistant-item', ({ itemId }) => this.transcript.assistant(itemId));
    on('assistant-transcript', ({ itemId, delta }) => this.transcript.assistantDelta(itemId, delta));
    on('assistant-audio', ({ itemId, receivedMs }) => this.transcript.assistantReceived(itemId, receivedMs));
    on('assistant-heard', ({ itemId, playedMs }) => this.transcript.assistantHeard(itemId, playedMs));
    on('assistant-cut', ({ itemId, playedMs }) => this.transcript.assistantHeard(itemId, playedMs, { cut: true }));
    on('tool-call', ({ callId, name, arguments: args }) => this.transcript.toolCall(callId, name, args));
    on('tool-result', ({ callId, output }) => this.transcript.toolResult(callId, output));
    on('response-done', ({ response }) => this.transcript.latency(
      response.output.filter((item) => item.type === 'message').map((item) => item.id), response.timings));
    on('notice', ({ code, message }) => {
      this.notice.textContent = code === 'input_audio_buffer_commit_empty' ? t('notice.commit_empty') : message ?? '';
    });
    on('feedback', ({ loading, feedback }) => this.showFeedback(loading, feedback));
  }

  showState(state, error = null) {
    this.state = state;
    this.root.dataset.state = state;
    const active = IN_CALL.has(state);
    const label = state === 'listening' && this.hearing ? 'state.hearing' : `state.${state}`;
    this.stateText.dataset.i18n = label;
    this.stateText.textContent = t(label);
    this.choices.disabled = active;
    this.callButton.hidden = active;
    this.controls.hidden = !active;
    this.textForm.hidden = !active;
    const pushToTalk = this.root.dataset.mode === 'ptt';
    this.talkButton.hidden = !pushToTalk;
    this.talkHint.hidden = !pushToTalk;
    this.errorBox.hidden = state !== 'error';
    if (state === 'error') this.errorText.textContent = describeError(error);
    if (state === 'connecting') this.waveform.detach();
    if (state === 'listening' && this.call?.player?.analyser && !this.waveform.analyser) {
      this.waveform.attach(this.call.player.analyser);
    }
    if (!active) {
      this.stopTimer();
      this.level.reset();
      this.waveform.detach();
    }
  }

  toggleMute() {
    const muted = this.muteButton.getAttribute('aria-pressed') !== 'true';
    this.muteButton.setAttribute('aria-pressed', String(muted));
    this.muteButton.textContent = t(muted ? 'unmute' : 'mute');
    if (this.call) this.call.muted = muted;
  }

  startTimer() {
    const started = performance.now();
    this.stopTimer();
    const tick = () => {
      const seconds = Math.floor((performance.now() - started) / 1000);
      this.timer.textContent = `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
    };
    tick();
    this.timerHandle = setInterval(tick, 1000);
  }

  stopTimer() {
    clearInterval(this.timerHandle);
  }

  showFeedback(loading, feedback) {
    this.feedback.hidden = false;
    if (loading) {
      this.feedbackBody.textContent = t('feedback.loading');
      return;
    }
    renderFeedback(this.feedbackBody, feedback);
  }
}

function fillSelect(select, options) {
  select.replaceChildren(...options.map(([value, label]) => new Option(label, value)));
}

function relabelSelect(select, items, label) {
  for (const option of select.options) {
    const item = items.find((candidate) => candidate.id === option.value);
    if (item) option.textContent = label(item);
  }
}
