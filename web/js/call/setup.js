// The call setup: which profile, its options (from the profile card), how you talk. Every choice
// shows its human name and a one-line description; the application's page module may add details
// (a practice scenario's setting and goal) and say which combinations are not available.

import { fillProfiles, pageModule, relabelProfiles, summary, title } from '../apps.js';
import { pick, t } from '../i18n.js';

export class Setup {
  constructor(form) {
    this.form = form;
    this.profile = form.querySelector('#profile');
    this.profileSummary = form.querySelector('#profile-summary');
    this.optionsBox = form.querySelector('#profile-options');
    this.appBox = form.querySelector('#app-setup');
    this.cards = [];
    this.module = null;
    this.profile.addEventListener('change', () => this.chooseProfile());
    this.optionsBox.addEventListener('change', () => this.refresh());
  }

  async populate(cards) {
    this.cards = cards;
    fillProfiles(this.profile, cards);
    await this.chooseProfile();
  }

  get card() {
    return this.cards.find((card) => card.id === this.profile.value);
  }

  async chooseProfile() {
    const card = this.card;
    this.optionsBox.replaceChildren(...(card?.talkline?.options ?? []).map((option) => this.optionField(option)));
    this.module = null;
    this.appBox.replaceChildren();
    const module = await pageModule(card);
    if (this.card !== card) return; // another profile was chosen meanwhile
    this.module = module;
    this.refresh();
  }

  optionField(option) {
    const field = document.createElement('div');
    field.className = 'field';
    const id = `option-${option.name}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    const select = document.createElement('select');
    select.id = id;
    select.name = option.name;
    select.setAttribute('aria-describedby', `${id}-summary`);
    select.append(...(option.choices ?? []).map((choice) => new Option(pick(choice.title) || choice.value, choice.value)));
    if (option.default) select.value = option.default;
    const line = document.createElement('p');
    line.id = `${id}-summary`;
    line.className = 'summary-line';
    field.append(label, select, line);
    return field;
  }

  // The chosen options, corrected by the module (e.g. a persona that cannot play the scenario).
  refresh() {
    const constrained = this.module?.constrain?.(this.rawOptions()) ?? {};
    for (const [name, value] of Object.entries(constrained.options ?? {})) {
      const select = this.optionsBox.querySelector(`select[name="${CSS.escape(name)}"]`);
      if (select && value !== undefined && value !== null) select.value = value;
    }
    for (const select of this.optionsBox.querySelectorAll('select')) {
      const unavailable = constrained.unavailable?.[select.name] ?? {};
      for (const option of select.options) option.disabled = option.value in unavailable;
    }
    this.relabel();
    this.module?.renderSetup?.(this.appBox, this.value().options);
  }

  relabel() {
    relabelProfiles(this.profile, this.cards);
    const card = this.card;
    this.profileSummary.textContent = summary(card);
    for (const option of card?.talkline?.options ?? []) {
      const select = this.optionsBox.querySelector(`select[name="${CSS.escape(option.name)}"]`);
      if (!select) continue;
      select.previousElementSibling.textContent = pick(option.title) || option.name;
      for (const element of select.options) {
        const choice = option.choices.find((item) => item.value === element.value);
        if (choice) element.textContent = pick(choice.title) || choice.value;
      }
      const chosen = option.choices.find((item) => item.value === select.value);
      select.nextElementSibling.textContent = pick(chosen?.summary);
    }
  }

  setOptions(options) {
    for (const [name, value] of Object.entries(options)) {
      const select = this.optionsBox.querySelector(`select[name="${CSS.escape(name)}"]`);
      if (select) select.value = value;
    }
    this.refresh();
  }

  rawOptions() {
    return Object.fromEntries([...this.optionsBox.querySelectorAll('select')].map((select) => [select.name, select.value]));
  }

  // -> {profile, options, mode, opensCall, language}
  value() {
    const card = this.card;
    const options = this.rawOptions();
    return {
      profile: card?.id,
      options,
      mode: this.form.elements.mode.value,
      opensCall: Boolean(card?.talkline?.opens_call),
      language: options.language,
    };
  }

  // One line for the call screen: "Phone-call practice · At the mart · Gildong · Korean".
  summaryLine() {
    const card = this.card;
    const parts = [title(card)];
    for (const select of this.optionsBox.querySelectorAll('select')) parts.push(select.selectedOptions[0]?.textContent);
    parts.push(t(this.form.elements.mode.value === 'ptt' ? 'mode.ptt' : 'mode.vad'));
    return parts.filter(Boolean).join(t('summary.separator'));
  }

  // The assistant's name on its lines: the module's (a persona) or the profile's title.
  speakerName() {
    return this.module?.speakerName?.(this.value().options) || title(this.card);
  }

  disable(disabled) {
    for (const element of this.form.elements) element.disabled = disabled;
  }
}
