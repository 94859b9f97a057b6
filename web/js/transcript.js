// The live transcript: the user's and the assistant's turns as they come, labelled with who speaks,
// and tool calls as small cards in plain words. The list is an aria-live region, so screen readers
// hear new turns. New lines scroll into view unless the reader has scrolled up to read earlier ones;
// then a "newest" button offers the way back.

import { t } from './i18n.js';
import { renderToolCall, renderToolResult } from './tool-cards.js';

const NEAR_BOTTOM_PX = 48;

export class TranscriptView {
  constructor(list, { jumpButton = null } = {}) {
    this.list = list;
    this.jumpButton = jumpButton;
    this.entries = new Map(); // itemId -> <li>
    this.cards = new Map(); // callId -> <li>
    this.speaker = () => t('assistant');
    this.following = true;
    const onScroll = () => this.scrolled();
    list.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('scroll', onScroll, { passive: true });
    jumpButton?.addEventListener('click', () => {
      this.following = true;
      this.scroll();
      this.list.lastElementChild?.focus?.();
    });
  }

  clear() {
    this.list.replaceChildren();
    this.entries.clear();
    this.cards.clear();
    this.following = true;
    if (this.jumpButton) this.jumpButton.hidden = true;
  }

  // Who the assistant is (a persona's name); relabels the lines already shown.
  setSpeaker(name) {
    this.speaker = typeof name === 'function' ? name : () => name;
    for (const who of this.list.querySelectorAll('.turn.assistant .who')) who.textContent = this.speaker();
  }

  relabel() {
    for (const who of this.list.querySelectorAll('.turn.user .who')) who.textContent = t('you');
    this.setSpeaker(this.speaker);
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
      this.changed();
    }
    entry.classList.toggle('pending', !final);
  }

  assistant(itemId) {
    return this.entry(itemId, 'assistant');
  }

  assistantDelta(itemId, delta) {
    this.entry(itemId, 'assistant').querySelector('.text').textContent += delta;
    this.changed();
  }

  finish(itemId) {
    this.entries.get(itemId)?.classList.remove('pending');
  }

  // How much of the reply's audio was heard; `cut` marks a reply the user talked over.
  assistantHeard(itemId, playedMs, { cut = false } = {}) {
    const entry = this.entries.get(itemId);
    if (!entry) return;
    entry.dataset.heardMs = String(playedMs);
    if (cut) {
      entry.dataset.interrupted = 'true';
      entry.classList.add('interrupted');
      entry.querySelector('.meta').textContent = t('interrupted', { s: (playedMs / 1000).toFixed(1) });
    }
    entry.classList.remove('pending');
  }

  assistantReceived(itemId, receivedMs) {
    const entry = this.entries.get(itemId);
    if (!entry) return;
    entry.dataset.audioMs = String(receivedMs);
    entry.classList.remove('pending');
  }

  mark(itemId, name, value) {
    const entry = this.entries.get(itemId);
    if (entry) entry.dataset[name] = String(Math.round(value));
  }

  toolCall(callId, name, args) {
    const card = renderToolCall(name, args);
    this.list.append(card);
    this.cards.set(callId, card);
    this.changed();
  }

  toolResult(callId, output) {
    const card = this.cards.get(callId);
    if (!card) return;
    renderToolResult(card, output);
    this.changed();
  }

  entry(itemId, role) {
    let entry = this.entries.get(itemId);
    if (!entry) {
      entry = document.createElement('li');
      entry.className = `turn ${role} pending`;
      entry.dataset.itemId = itemId;
      entry.tabIndex = -1;
      const who = document.createElement('span');
      who.className = 'who';
      who.textContent = role === 'user' ? t('you') : this.speaker();
      const text = document.createElement('p');
      text.className = 'text';
      const meta = document.createElement('span');
      meta.className = 'meta';
      entry.append(who, text, meta);
      this.list.append(entry);
      this.entries.set(itemId, entry);
      this.changed();
    }
    return entry;
  }

  setText(entry, text) {
    entry.querySelector('.text').textContent = text;
    entry.classList.remove('pending');
    this.changed();
  }

  // New content: keep the newest line in view, unless the reader scrolled away from it.
  changed() {
    if (this.following) this.scroll();
    else if (this.jumpButton) this.jumpButton.hidden = false;
  }

  scroll() {
    this.programmatic = true;
    const scroller = this.scroller();
    scroller.scrollTop = scroller.scrollHeight;
    if (this.jumpButton) this.jumpButton.hidden = true;
    requestAnimationFrame(() => { this.programmatic = false; });
  }

  scrolled() {
    if (this.programmatic) return;
    const scroller = this.scroller();
    this.following = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= NEAR_BOTTOM_PX;
    if (this.following && this.jumpButton) this.jumpButton.hidden = true;
  }

  // The list scrolls on its own where the layout gives it a height (desktop), else the page does (phones).
  scroller() {
    const overflow = getComputedStyle(this.list).overflowY;
    const own = (overflow === 'auto' || overflow === 'scroll') && this.list.scrollHeight > this.list.clientHeight;
    return own ? this.list : document.scrollingElement;
  }
}
