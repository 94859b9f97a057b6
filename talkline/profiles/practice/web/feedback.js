// Feedback after a practice call: the outcome first, then steps, speaking time (rounded), what to
// learn, North Korean words with their South Korean equivalents, and the speech level.

const ATTEMPTS = 30;
const INTERVAL_MS = 500;

// The call's transcript and feedback are stored when it hangs up: poll briefly.
export async function waitForFeedback(ctx, sessionId, secret) {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    try {
      const session = await ctx.get(`/v1/practice/sessions/${encodeURIComponent(sessionId)}`, secret);
      if (session.feedback) return session.feedback;
    } catch (error) {
      if (error.status !== 404) return null;
    }
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
  }
  return null;
}

export function renderFeedback(box, feedback, { t, duration }) {
  if (!feedback) {
    box.append(paragraph(t('feedback.unavailable')));
    return;
  }
  const outcome = paragraph(t(`outcome.${feedback.outcome}`), 'outcome');
  outcome.dataset.outcome = feedback.outcome;
  box.append(
    outcome,
    paragraph(t('steps', { done: feedback.steps_completed, total: feedback.steps_total }), 'steps'),
    paragraph(t('turns', {
      turns: feedback.turns, speaking: duration(feedback.speaking_seconds), call: duration(feedback.call_seconds),
    }), 'turns'),
  );
  if (feedback.expressions_to_learn?.length) {
    box.append(heading(t('expressions')), list(feedback.expressions_to_learn, (tip) => [
      korean(tip.korean, 'strong'), ` — ${tip.english}`,
    ], 'expressions'));
  }
  if (feedback.north_korean_words?.length) {
    box.append(heading(t('north_words')), list(feedback.north_korean_words, (word) => [
      korean(word.north), ' → ', korean(word.south, 'strong'), ` (${word.english}) `,
      small(t('heard_in', { text: word.heard_in })),
    ], 'north-words'));
  }
  const level = feedback.speech_level;
  if (level) {
    box.append(heading(t('speech_level')), paragraph(t(`level.${level.expected}`, {
      polite: level.polite_turns, casual: level.casual_turns,
    }), 'speech-level'));
    if (level.other_level_examples?.length) {
      box.append(paragraph(t('other_level', { examples: level.other_level_examples.map((line) => `“${line}”`).join(', ') })));
    }
  }
}

function paragraph(text, className) {
  const element = document.createElement('p');
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

function heading(text) {
  const element = document.createElement('h4');
  element.textContent = text;
  return element;
}

function korean(text, tag = 'span') {
  const element = document.createElement(tag);
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
