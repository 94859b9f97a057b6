// What the call page shows as the call's state, from the call's phase and what is happening now.
// One visible state at a time, most important first: a person talking beats a reply playing.

export const IN_CALL = new Set(['connecting', 'live', 'reconnecting']);

export function visibleState({ phase, mode, hearing, talking, thinking, playing, muted }) {
  if (phase !== 'live') return phase; // idle, connecting, reconnecting, ended, error
  if (talking) return 'ptt-held';
  if (hearing) return 'hearing'; // also while a reply is cut short by the user's voice (barge-in)
  if (playing) return 'speaking';
  if (thinking) return 'thinking';
  if (muted) return 'muted';
  return mode === 'ptt' ? 'ptt-idle' : 'listening';
}
