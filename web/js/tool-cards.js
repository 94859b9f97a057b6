// Tool calls as small cards in plain words: what was looked up ("Looked up “plastic bottle”") and
// what was found, in the sentence a person would read first — not the tool's field names.

import { t } from './i18n.js';

// Fields of a tool's JSON output that say the finding as a sentence, best first.
const SENTENCES = ['action', 'answer', 'message', 'question', 'summary', 'text', 'status'];

export function renderToolCall(name, args) {
  const card = document.createElement('li');
  card.className = 'tool-card';
  card.dataset.tool = name;
  const title = document.createElement('p');
  title.className = 'tool-title';
  const query = firstValue(parse(args));
  title.textContent = query ? t('tool.looked_up', { query }) : t('tool.used', { what: humanize(name) });
  const result = document.createElement('p');
  result.className = 'tool-result';
  result.textContent = t('tool.pending');
  card.append(title, result);
  return card;
}

export function renderToolResult(card, output) {
  const { found, text } = finding(output);
  const result = card.querySelector('.tool-result');
  if (!text) result.textContent = t('tool.nothing');
  else result.textContent = t(found ? 'tool.found' : 'tool.not_found', { text });
  card.classList.add('done');
  card.classList.toggle('not-found', !found);
}

// -> {found, text}: the finding in one sentence, from a tool output of any shape.
export function finding(output) {
  let value = parse(output);
  if (value && typeof value === 'object' && 'output' in value) value = parse(value.output);
  if (typeof value === 'string') return { found: true, text: value.slice(0, 200) };
  if (!value || typeof value !== 'object') return { found: false, text: '' };
  const found = value.ok !== false && value.found !== false && value.status !== 'unknown' && !value.error;
  const key = SENTENCES.find((name) => typeof value[name] === 'string' && value[name].trim());
  const text = key ? value[key] : value.item?.name ?? value.name ?? '';
  return { found, text: String(text).slice(0, 200) };
}

function parse(raw) {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function firstValue(args) {
  if (typeof args === 'string') return args;
  const value = Object.values(args ?? {}).find((item) => typeof item === 'string' && item.trim());
  return value ?? '';
}

function humanize(name) {
  return name.replace(/^(get|search)_/, '').replaceAll('_', ' ');
}
