// Accessible tabs: click or arrow keys move between them; only the chosen panel is shown.
// Hidden tabs are skipped.

export function setUpTabs(tablist, { onSelect = () => {} } = {}) {
  const all = [...tablist.querySelectorAll('[role="tab"]')];
  const visible = () => all.filter((tab) => !tab.hidden);
  const select = (chosen) => {
    for (const tab of all) {
      const selected = tab === chosen;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      document.getElementById(tab.getAttribute('aria-controls')).hidden = !selected;
    }
    onSelect(chosen);
  };
  for (const tab of all) {
    tab.addEventListener('click', () => select(tab));
    tab.addEventListener('keydown', (event) => {
      const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -Infinity, End: Infinity };
      if (!(event.key in moves)) return;
      event.preventDefault();
      const tabs = visible();
      const index = tabs.indexOf(tab);
      const move = moves[event.key];
      const next = Number.isFinite(move) ? (index + move + tabs.length) % tabs.length : (move < 0 ? 0 : tabs.length - 1);
      tabs[next].focus();
      select(tabs[next]);
    });
  }
}
