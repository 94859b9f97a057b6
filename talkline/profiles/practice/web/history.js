// The learner's past practice calls (GET /v1/practice/sessions, newest first), each with its
// feedback behind a disclosure.

import { renderFeedback } from './feedback.js';

export async function renderHistoryList(box, { ctx, t, duration, scenarioOf, personaOf }) {
  box.replaceChildren(paragraph(t('history.loading')));
  let sessions;
  try {
    const secret = await ctx.secret();
    sessions = (await ctx.get('/v1/practice/sessions?limit=50', secret)).data;
  } catch {
    box.replaceChildren(paragraph(t('history.failed')));
    return;
  }
  if (!sessions.length) {
    box.replaceChildren(paragraph(t('history.empty')));
    return;
  }
  const list = document.createElement('ol');
  list.className = 'practice-history';
  const dates = new Intl.DateTimeFormat(ctx.language(), { dateStyle: 'medium', timeStyle: 'short' });
  for (const session of sessions) {
    const item = document.createElement('li');
    item.dataset.sessionId = session.id;
    const details = document.createElement('details');
    const summary = document.createElement('summary');
    const when = document.createElement('time');
    when.dateTime = session.created_at;
    when.textContent = dates.format(new Date(session.created_at));
    const what = document.createElement('span');
    what.className = 'history-what';
    what.textContent = t('history.item', {
      scenario: ctx.pick(scenarioOf(session.scenario)?.title) || session.scenario,
      persona: ctx.pick(personaOf(session.persona)?.name) || session.persona,
    });
    const outcome = document.createElement('span');
    outcome.className = 'history-outcome';
    if (session.feedback) {
      outcome.dataset.outcome = session.feedback.outcome;
      outcome.textContent = t(`outcome.${session.feedback.outcome}`);
    }
    summary.append(what, when, outcome);
    const body = document.createElement('div');
    body.className = 'history-feedback';
    renderFeedback(body, session.feedback, { t, duration });
    details.append(summary, body);
    item.append(details);
    list.append(item);
  }
  box.replaceChildren(list);
}

function paragraph(text) {
  const element = document.createElement('p');
  element.textContent = text;
  return element;
}
