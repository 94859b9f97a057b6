// The call page: language, tabs, and the panels, filled from the server's profile cards.

import { api } from './api.js';
import { pageModule } from './apps.js';
import { applyTranslations, currentLanguage, setLanguage } from './i18n.js';
import { setUpTabs } from './tabs.js';
import { CallPanel } from './call/call-panel.js';
import { HistoryPanel } from './history-panel.js';
import { VoicePanel } from './voice/voice-panel.js';

async function main() {
  applyTranslations();
  const languageSelect = document.getElementById('ui-language');
  languageSelect.value = currentLanguage();
  languageSelect.addEventListener('change', () => setLanguage(languageSelect.value));

  const callPanel = new CallPanel(document.getElementById('panel-call'));
  const voicePanel = new VoicePanel(document.getElementById('panel-voice'));
  const historyPanel = new HistoryPanel(document.getElementById('panel-history'), document.getElementById('tab-history'));
  setUpTabs(document.querySelector('[role="tablist"]'), { onSelect: (tab) => tab.id === 'tab-history' && historyPanel.show() });
  document.addEventListener('languagechange', () => {
    callPanel.relabel();
    voicePanel.relabel();
    historyPanel.relabel();
  });

  try {
    const models = await api.models();
    await callPanel.populate({ models });
    voicePanel.populate({ models });
    await historyPanel.populate(models, pageModule);
    document.body.dataset.ready = 'true';
  } catch (error) {
    callPanel.show({ phase: 'error', error });
    document.body.dataset.ready = 'error';
  }
}

main();
