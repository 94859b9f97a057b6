// What to tell a person about a failure: one sentence in their language that says what happened and
// what to do. The server's own words go to a "technical details" line, never in place of the sentence.

import { t } from './i18n.js';

const KNOWN = new Set([
  'server_unreachable', 'connection_lost', 'mic_denied', 'mic_unavailable', 'client_secret_expired',
  'invalid_api_key', 'rate_limit_exceeded', 'session_limit_reached', 'audio_unsupported',
]);

// -> {code, text, detail}
export function describeError(error) {
  const code = errorCode(error);
  const text = t(KNOWN.has(code) ? `error.${code}` : code === 'demo_disabled' ? 'error.demo_disabled' : 'error.unknown');
  const detail = [error?.code, error?.message].filter(Boolean).join(': ');
  return { code, text, detail };
}

export function errorCode(error) {
  if (!error) return 'unknown';
  if (error.name === 'ApiError' && error.status === 404 && error.code === 'not_found') return 'demo_disabled';
  if (error.name === 'ApiError' && error.status === 401) return 'invalid_api_key';
  return error.code ?? 'unknown';
}

// Failures that a new attempt may cure on its own (the server restarting, a dropped network).
export function isTransient(error) {
  return ['server_unreachable', 'connection', 'connection_lost', 'session_limit_reached'].includes(errorCode(error));
}
