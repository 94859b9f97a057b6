// Profile cards (contract A: `talkline` on /v1/models) and the applications' page modules.
//
// A profile card may name a `page_module`, an ES module served by the application, which the shell
// imports once. Its hooks are all optional; see talkline/profiles/practice/web/page.js for the list.
// The shell itself knows no application by name.

import { api } from './api.js';
import { currentLanguage, pick } from './i18n.js';

const modules = new Map(); // url -> Promise<module | null>

export function title(card) {
  return pick(card?.talkline?.title) || card?.id || '';
}

export function summary(card) {
  return pick(card?.talkline?.summary) || card?.description || '';
}

// The card's module, initialised once with what it may use; null if it has none or it fails to load.
export function pageModule(card) {
  const url = card?.talkline?.page_module;
  if (!url) return Promise.resolve(null);
  if (!modules.has(url)) {
    const context = {
      card,
      language: currentLanguage,
      pick,
      get: (path, secret) => api.get(path, { secret }),
      secret: (options = {}) => api.secret(card.id, options).then((minted) => minted.value),
    };
    modules.set(url, import(url).then(async (module) => {
      await module.init?.(context);
      return module;
    }).catch((error) => {
      console.warn(`page module ${url} did not load`, error);
      return null;
    }));
  }
  return modules.get(url);
}

// Fills a <select> with the profiles, by their human names.
export function fillProfiles(select, cards) {
  select.replaceChildren(...cards.map((card) => new Option(title(card), card.id)));
}

export function relabelProfiles(select, cards) {
  for (const option of select.options) {
    const card = cards.find((item) => item.id === option.value);
    if (card) option.textContent = title(card);
  }
}
