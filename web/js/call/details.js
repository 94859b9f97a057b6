// The call's details view: per reply, how fast the first sound came (measured in this page, from
// your last voiced microphone sample to the first played sample) and the server's own split, and
// how much audio came in how many parts. Kept out of the transcript, where it only distracted.

import { t } from '../i18n.js';

export class CallDetails {
  constructor(list) {
    this.list = list;
    this.rows = new Map(); // itemId -> {row, facts}
  }

  clear() {
    this.list.replaceChildren();
    this.rows.clear();
  }

  note(itemId, fact, values) {
    const entry = this.row(itemId);
    entry.facts.set(fact, values);
    this.render(entry);
  }

  row(itemId) {
    let entry = this.rows.get(itemId);
    if (!entry) {
      const row = document.createElement('li');
      row.dataset.itemId = itemId;
      entry = { row, facts: new Map(), n: this.rows.size + 1 };
      this.rows.set(itemId, entry);
      this.list.append(row);
    }
    return entry;
  }

  render({ row, facts, n }) {
    const lines = [];
    if (facts.has('greeting')) lines.push(t('details.greeting'));
    if (facts.has('mouth_to_ear')) lines.push(t('details.first_audio', { ms: Math.round(facts.get('mouth_to_ear').ms) }));
    const stages = facts.get('stages');
    if (stages?.first_audio !== undefined) {
      lines.push(t('details.stages', { stt: round(stages.stt_done), token: round(stages.first_token), audio: round(stages.first_audio) }));
    }
    const audio = facts.get('audio');
    if (audio) lines.push(t('details.audio', { s: (audio.ms / 1000).toFixed(1), parts: audio.parts }));
    row.textContent = `${t('details.reply', { n })}: ${lines.join('; ')}`;
  }

  relabel() {
    for (const entry of this.rows.values()) this.render(entry);
  }
}

function round(value) {
  return value === undefined || value === null ? '–' : Math.round(value);
}
