// What to tell a person about an error: a sentence in their language, then the server's own words.

import { t } from './i18n.js';

const KNOWN = new Set([
  'mic_denied', 'mic_unavailable', 'connection', 'rate_limit_exceeded', 'session_limit_reached', 'audio_unsupported',
]);

export function describeError(error) {
  if (!error) return t('error.unknown');
  const code = error.code ?? null;
  if (error.name === 'ApiError' && error.status === 404 && code === 'not_found') {
    return `${t('error.demo_disabled')} (${error.message})`;
  }
  const sentence = KNOWN.has(code) ? t(`error.${code}`) : null;
  const detail = error.message ? `${code && !KNOWN.has(code) ? `${code}: ` : ''}${error.message}` : '';
  if (sentence && detail) return `${sentence} (${detail})`;
  return sentence ?? (detail || t('error.unknown'));
}
