// The practice application's page module: what the web shell shows for phone-call practice.
//
// Page module hooks (the shell imports the module named by the profile card's `page_module`; every
// hook is optional, and the shell re-calls the render hooks when the interface language changes):
//
//   init(ctx)                      once. ctx = {card, language(): 'ko'|'en', pick({en, ko}),
//                                  get(path, secret?): JSON, secret(options?): a client secret}
//   constrain(options)             -> {options, unavailable: {optionName: {value: reason}}}: corrected
//                                  choices and the ones that cannot be picked with the others
//   renderSetup(box, options)      before the call: what the chosen options mean
//   renderCallInfo(box, options)   during the call: a compact reminder of the same
//   speakerName(options)           -> the name that labels the assistant's lines
//   renderAfterCall(box, {sessionId, secret, seconds, options, actions})
//                                  after hanging up; actions.again(options?) starts the call again
//                                  (with some options changed), actions.setup() goes back to setup
//   renderHistory(box)             the learner's past calls, for the shell's history tab
//
// Scenario data follows /v1/practice/scenarios (roles with relationship and registers, personas
// with allowed pairings, examples); fields it lacks fall back to the older shape (role, default_persona).

import { duration, translator } from './strings.js';
import { renderFeedback, waitForFeedback } from './feedback.js';
import { renderHistoryList } from './history.js';

const state = { scenarios: [], personas: [], lastScenario: null };
let ctx = null;
let t = (key) => key;

export async function init(context) {
  ctx = context;
  t = translator(ctx.language);
  addStyles();
  const [scenarios, personas] = await Promise.all([
    ctx.get('/v1/practice/scenarios').then((list) => list.data),
    ctx.get('/v1/practice/personas').then((list) => list.data),
  ]);
  Object.assign(state, { scenarios, personas });
}

function addStyles() {
  if (document.querySelector('link[data-practice]')) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = new URL('./practice.css', import.meta.url).href;
  link.dataset.practice = '';
  document.head.append(link);
}

const scenarioOf = (options) => state.scenarios.find((item) => item.id === options.scenario) ?? state.scenarios[0];
const personaOf = (id) => state.personas.find((item) => item.id === id);

// Which personas may play the scenario, and the reason for those that may not.
function pairings(scenario) {
  const listed = new Map((scenario?.personas ?? []).map((entry) => [entry.persona, entry]));
  return state.personas.map((persona) => ({
    persona,
    allowed: listed.get(persona.id)?.allowed ?? true,
    reason: listed.get(persona.id)?.reason,
  }));
}

export function constrain(options) {
  const scenario = scenarioOf(options);
  const choices = pairings(scenario);
  const allowed = choices.filter((choice) => choice.allowed).map((choice) => choice.persona.id);
  let persona = options.persona;
  if (scenario && scenario.id !== state.lastScenario) {
    persona = allowed.includes(scenario.default_persona) ? scenario.default_persona : persona;
    state.lastScenario = scenario.id;
  }
  if (!allowed.includes(persona)) persona = allowed[0] ?? persona;
  const unavailable = Object.fromEntries(choices.filter((choice) => !choice.allowed)
    .map((choice) => [choice.persona.id, ctx.pick(choice.reason) || '']));
  return { options: { persona }, unavailable: { persona: unavailable } };
}

export function speakerName(options) {
  return ctx.pick(personaOf(options.persona)?.name) || '';
}

// Who the learner talks to: the persona, the role they play, and the registers both speak in.
function partner(scenario, persona) {
  const role = scenario?.roles?.[0];
  const casual = persona?.speech_level === 'casual';
  const partnerRegister = role?.partner_register ?? (casual ? 'banmal' : 'haeyo');
  const learnerRegister = role?.learner_register ?? partnerRegister;
  return {
    name: ctx.pick(persona?.name),
    role: ctx.pick(role?.title ?? scenario?.role),
    relationship: role?.relationship,
    partner: t(`register.${partnerRegister}`),
    learner: t(`register.${learnerRegister}`),
    description: ctx.pick(persona?.description),
  };
}

// Example lines: the scenario's own, else the hints of its steps in the persona's register.
function examples(scenario, persona, language) {
  if (scenario?.examples?.length) return scenario.examples.map((line) => (language === 'en' ? line.en : line.ko) ?? ctx.pick(line));
  const casual = persona?.speech_level === 'casual';
  return (scenario?.steps ?? []).map((step) => step.hint).filter(Boolean)
    .map((hint) => (language === 'en' ? hint.en : casual ? hint.ko_casual ?? hint.ko : hint.ko));
}

export function renderSetup(box, options) {
  const scenario = scenarioOf(options);
  const persona = personaOf(options.persona);
  const who = partner(scenario, persona);
  const card = element('div', { className: 'practice-card' });
  card.append(
    element('h3', { textContent: ctx.pick(scenario?.title) }),
    facts([
      [t('setting'), ctx.pick(scenario?.setting)],
      [t('goal'), ctx.pick(scenario?.goal)],
      [t('partner'), t('partner.line', who)],
    ]),
  );
  const lines = examples(scenario, persona, options.language).slice(0, 3);
  if (lines.length) {
    card.append(element('p', { className: 'practice-label', textContent: t('examples') }),
      list(lines.map((line) => withLang(element('span', { textContent: line }), options.language)), 'practice-examples'));
  }
  for (const choice of pairings(scenario).filter((item) => !item.allowed)) {
    card.append(element('p', { className: 'practice-note',
      textContent: t('partner.unavailable', { name: ctx.pick(choice.persona.name), reason: ctx.pick(choice.reason) }) }));
  }
  box.replaceChildren(card);
}

export function renderCallInfo(box, options) {
  const scenario = scenarioOf(options);
  const who = partner(scenario, personaOf(options.persona));
  box.replaceChildren(facts([
    [t('goal'), ctx.pick(scenario?.goal)],
    [t('partner'), t('partner.line', who)],
    [t('setting'), ctx.pick(scenario?.setting)],
  ], 'practice-call-info'));
}

export async function renderAfterCall(box, { sessionId, secret, options, actions }) {
  const section = element('section', { className: 'practice-feedback' });
  section.append(element('h3', { textContent: t('feedback') }), element('p', { textContent: t('feedback.loading') }));
  box.append(section);
  const feedback = sessionId ? await waitForFeedback(ctx, sessionId, secret) : null;
  section.replaceChildren(element('h3', { textContent: t('feedback') }));
  renderFeedback(section, feedback, { t, duration: (s) => duration(t, s), scenarioTitle: null });
  box.append(nextSteps(options, actions, section));
}

function nextSteps(options, actions, feedbackSection) {
  const box = element('div', { className: 'practice-next' });
  box.append(element('h3', { textContent: t('next') }));
  const buttons = element('div', { className: 'practice-actions' });
  buttons.append(button(t('next.again'), () => actions.again({}), 'primary'));
  const other = pairings(scenarioOf(options)).find((item) => item.allowed && item.persona.id !== options.persona);
  if (other) {
    const name = ctx.pick(other.persona.name);
    buttons.append(button(t('next.other', { name }), () => actions.again({ persona: other.persona.id })));
  }
  const expressions = feedbackSection.querySelector('.expressions');
  if (expressions) {
    buttons.append(button(t('next.review'), () => {
      expressions.tabIndex = -1;
      expressions.scrollIntoView({ block: 'center' });
      expressions.focus();
    }));
  }
  box.append(buttons);
  return box;
}

export async function renderHistory(box) {
  await renderHistoryList(box, { ctx, t, duration: (s) => duration(t, s), scenarioOf: (id) => scenarioOf({ scenario: id }),
    personaOf });
}

// ── small DOM helpers ─────────────────────────────────────────────────────────────────────────

export function element(tag, properties = {}) {
  return Object.assign(document.createElement(tag), properties);
}

function facts(rows, className = 'practice-facts') {
  const dl = element('dl', { className });
  for (const [term, detail] of rows) {
    if (!detail) continue;
    dl.append(element('dt', { textContent: term }), element('dd', { textContent: detail }));
  }
  return dl;
}

function list(items, className) {
  const ul = element('ul', { className });
  for (const item of items) {
    const li = element('li');
    li.append(item);
    ul.append(li);
  }
  return ul;
}

function withLang(node, language) {
  node.lang = language === 'en' ? 'en' : 'ko';
  return node;
}

function button(label, onClick, kind = '') {
  const node = element('button', { type: 'button', className: `button ${kind}`.trim(), textContent: label });
  node.addEventListener('click', onClick);
  return node;
}
