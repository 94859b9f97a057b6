// The live transcript: the user's and the assistant's turns as they come, and tool calls as small
// cards. The list is an aria-live region, so screen readers hear new turns.

import { t } from './i18n.js';

export class TranscriptView {
  constructor(list) {
    this.list = list;
    this.entries = new Map(); // itemId -> <li>
    this.cards = new Map(); // callId -> <li>
  }

  clear() {
    this.list.replaceChildren();
    this.entries.clear();
    this.cards.clear();
  }

  // A user turn; `text` now (typed) or later (transcription).
  user(itemId, text) {
    const entry = this.entry(itemId, 'user');
    if (text !== undefined) this.setText(entry, text);
    return entry;
  }

  userTranscript(itemId, { delta, text, final }) {
    const entry = this.entry(itemId, 'user');
    const body = entry.querySelector('.text');
    if (final) {
      this.setText(entry, text || t('unheard'));
      entry.classList.toggle('unheard', !text);
    } else {
      body.textContent += delta;
    }
    entry.classList.toggle('pending', !final);
  }

  assistant(itemId) {
    return this.entry(itemId, 'assistant');
  }

  assistantDelta(itemId, delta) {
    this.entry(itemId, 'assistant').querySelector('.text').textContent += delta;
  }

  finish(itemId) {
    this.entries.get(itemId)?.classList.remove('pending');
  }

  // How much of the reply's audio was heard; `cut` marks a reply interrupted by the user.
  assistantHeard(itemId, playedMs, { cut = false } = {}) {
    const entry = this.entries.get(itemId);
    if (!entry) return;
    entry.dataset.heardMs = String(playedMs);
    if (cut) {
      entry.dataset.interrupted = 'true';
      entry.classList.add('interrupted');
    }
    this.setMeta(entry);
  }

  assistantReceived(itemId, receivedMs) {
    const entry = this.entries.get(itemId);
    if (!entry) return;
    entry.dataset.audioMs = String(receivedMs);
    this.setMeta(entry);
  }

  latency(itemIds, timings) {
    const firstAudio = timings?.first_audio;
    if (firstAudio === undefined) return;
    for (const itemId of itemIds) {
      const entry = this.entries.get(itemId);
      if (entry) {
        entry.dataset.firstAudioMs = String(Math.round(firstAudio));
        this.setMeta(entry);
      }
    }
  }

  toolCall(callId, name, args) {
    const card = document.createElement('li');
    card.className = 'tool-card';
    card.dataset.tool = name;
    const title = document.createElement('p');
    title.className = 'tool-title';
    title.textContent = `${t('tool.looked_up')}: ${humanize(name)}`;
    const query = document.createElement('p');
    query.className = 'tool-args';
    query.textContent = describeArguments(args);
    const result = document.createElement('p');
    result.className = 'tool-result';
    result.textContent = t('tool.pending');
    card.append(title, query, result);
    this.list.append(card);
    this.cards.set(callId, card);
    this.scroll();
  }

  toolResult(callId, output) {
    const card = this.cards.get(callId);
    if (!card) return;
    card.querySelector('.tool-result').textContent = `${t('tool.result')}: ${summarize(output)}`;
    card.classList.add('done');
  }

  entry(itemId, role) {
    let entry = this.entries.get(itemId);
    if (!entry) {
      entry = document.createElement('li');
      entry.className = `turn ${role} pending`;
      entry.dataset.itemId = itemId;
      const who = document.createElement('span');
      who.className = 'who';
      who.textContent = t(role === 'user' ? 'you' : 'assistant');
      const text = document.createElement('p');
      text.className = 'text';
      const meta = document.createElement('span');
      meta.className = 'meta';
      entry.append(who, text, meta);
      this.list.append(entry);
      this.entries.set(itemId, entry);
      this.scroll();
    }
    return entry;
  }

  setText(entry, text) {
    entry.querySelector('.text').textContent = text;
    entry.classList.remove('pending');
    this.scroll();
  }

  setMeta(entry) {
    const seconds = (ms) => (Number(ms) / 1000).toFixed(1);
    const parts = [];
    if (entry.dataset.interrupted) parts.push(t('interrupted', { s: seconds(entry.dataset.heardMs) }));
    else if (entry.dataset.audioMs) parts.push(t('spoken', { s: seconds(entry.dataset.audioMs) }));
    if (entry.dataset.firstAudioMs) parts.push(t('latency', { ms: entry.dataset.firstAudioMs }));
    entry.querySelector('.meta').textContent = parts.join(' · ');
    entry.classList.remove('pending');
  }

  scroll() {
    this.list.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }
}

function humanize(name) {
  return name.replace(/^(get|search)_/, '').replaceAll('_', ' ');
}

function describeArguments(raw) {
  let args = raw;
  if (typeof raw === 'string') {
    try {
      args = JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return Object.entries(args ?? {}).map(([key, value]) => `${key.replaceAll('_', ' ')}: ${value}`).join(', ');
}

// A tool output is JSON of the tool's own shape: show what a person would look at first.
function summarize(output) {
  let value = output;
  if (typeof output === 'string') {
    try {
      value = JSON.parse(output);
    } catch {
      return output.slice(0, 160);
    }
  }
  if (value && typeof value === 'object') {
    const named = value.summary ?? value.item?.name ?? value.name ?? value.status;
    if (named) return String(named);
  }
  return JSON.stringify(value).slice(0, 160);
}
