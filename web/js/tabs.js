// Accessible tabs: click or arrow keys move between them; only the chosen panel is shown.

export function setUpTabs(tablist) {
  const tabs = [...tablist.querySelectorAll('[role="tab"]')];
  const select = (chosen) => {
    for (const tab of tabs) {
      const selected = tab === chosen;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      document.getElementById(tab.getAttribute('aria-controls')).hidden = !selected;
    }
  };
  for (const tab of tabs) {
    tab.addEventListener('click', () => select(tab));
    tab.addEventListener('keydown', (event) => {
      const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -Infinity, End: Infinity };
      if (!(event.key in moves)) return;
      event.preventDefault();
      const index = tabs.indexOf(tab);
      const move = moves[event.key];
      const next = Number.isFinite(move) ? (index + move + tabs.length) % tabs.length : (move < 0 ? 0 : tabs.length - 1);
      tabs[next].focus();
      select(tabs[next]);
    });
  }
}
