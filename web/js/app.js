// The call page: language, tabs, and the two panels, filled from the server's catalog.

import { api } from './api.js';
import { applyTranslations, currentLanguage, setLanguage } from './i18n.js';
import { setUpTabs } from './tabs.js';
import { CallPanel } from './call/call-panel.js';
import { VoicePanel } from './voice/voice-panel.js';

async function main() {
  applyTranslations();
  const languageSelect = document.getElementById('ui-language');
  languageSelect.value = currentLanguage();
  languageSelect.addEventListener('change', () => setLanguage(languageSelect.value));
  setUpTabs(document.querySelector('[role="tablist"]'));

  const callPanel = new CallPanel(document.getElementById('panel-call'));
  const voicePanel = new VoicePanel(document.getElementById('panel-voice'));
  document.addEventListener('languagechange', () => callPanel.relabel());

  try {
    const [models, scenarios, personas] = await Promise.all([api.models(), api.scenarios(), api.personas()]);
    callPanel.populate({ models, scenarios, personas });
    voicePanel.populate({ models });
    document.body.dataset.ready = 'true';
  } catch (error) {
    callPanel.showState('error', error);
  }
}

main();
