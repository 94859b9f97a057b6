// The history tab: each application whose page module can list past calls (practice calls with
// their feedback) shows them here. The tab appears only when one can.

import { title } from './apps.js';

export class HistoryPanel {
  constructor(root, tab) {
    this.root = root;
    this.tab = tab;
    this.box = root.querySelector('#history');
    this.sources = []; // [{card, module}]
  }

  async populate(cards, pageModule) {
    const modules = await Promise.all(cards.map((card) => pageModule(card)));
    this.sources = cards.map((card, index) => ({ card, module: modules[index] }))
      .filter(({ module }) => typeof module?.renderHistory === 'function');
    this.tab.hidden = this.sources.length === 0;
  }

  async show() {
    this.box.replaceChildren();
    for (const { card, module } of this.sources) {
      const section = document.createElement('section');
      section.className = 'card history-source';
      const heading = document.createElement('h2');
      heading.className = 'card-title';
      heading.textContent = title(card);
      const body = document.createElement('div');
      section.append(heading, body);
      this.box.append(section);
      await module.renderHistory(body);
    }
  }

  relabel() {
    if (!this.root.hidden) this.show();
  }
}
