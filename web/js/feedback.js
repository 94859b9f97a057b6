// The feedback after a practice call: outcome, steps, how much the user spoke, what to learn.

import { t } from './i18n.js';

export function renderFeedback(container, feedback) {
  container.replaceChildren();
  if (!feedback) {
    container.append(paragraph(t('feedback.unavailable')));
    return;
  }
  const outcome = paragraph(t(`feedback.${feedback.outcome}`), 'outcome');
  outcome.dataset.outcome = feedback.outcome;
  container.append(
    outcome,
    paragraph(t('feedback.steps', { done: feedback.steps_completed, total: feedback.steps_total }), 'steps'),
    paragraph(t('feedback.turns', {
      turns: feedback.turns, speaking: feedback.speaking_seconds, call: feedback.call_seconds,
    })),
  );
  if (feedback.expressions_to_learn?.length) {
    container.append(heading(t('feedback.expressions')), list(feedback.expressions_to_learn, (tip) => [
      strong(tip.korean), ` — ${tip.english}`,
    ], 'expressions'));
  }
  if (feedback.north_korean_words?.length) {
    container.append(heading(t('feedback.north_words')), list(feedback.north_korean_words, (word) => [
      `${word.north} → `, strong(word.south), ` (${word.english}) `,
      small(t('feedback.heard_in', { text: word.heard_in })),
    ], 'north-words'));
  }
  const level = feedback.speech_level;
  if (level) {
    container.append(heading(t('feedback.speech_level')), paragraph(t(`feedback.level.${level.expected}`, {
      polite: level.polite_turns, casual: level.casual_turns,
    })));
  }
}

function paragraph(text, className) {
  const element = document.createElement('p');
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

function heading(text) {
  const element = document.createElement('h3');
  element.textContent = text;
  return element;
}

function strong(text) {
  const element = document.createElement('strong');
  element.textContent = text;
  element.lang = 'ko';
  return element;
}

function small(text) {
  const element = document.createElement('small');
  element.textContent = text;
  return element;
}

function list(items, render, className) {
  const element = document.createElement('ul');
  element.className = className;
  for (const item of items) {
    const entry = document.createElement('li');
    entry.append(...render(item));
    element.append(entry);
  }
  return element;
}
