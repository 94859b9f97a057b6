// The server's HTTP API, as the page uses it. The page never holds a server key: it asks the demo
// token route for a short-lived client secret (ek_…) and sends that as a bearer token. A random
// learner id, kept in this browser, files the calls under one person so their history can be listed.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }

  static async from(response) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      // not JSON: keep the status line
    }
    const error = body?.error ?? {};
    const message = error.message ?? (typeof body?.detail === 'string' ? body.detail : null);
    return new ApiError(response.status, error.code ?? null, message ?? `${response.status} ${response.statusText}`);
  }
}

async function request(path, { method = 'GET', json, form, secret, signal } = {}) {
  const headers = {};
  if (secret) headers.Authorization = `Bearer ${secret}`;
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body, signal, cache: 'no-store' });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'server_unreachable', error.message); // fetch rejects only when nothing answered
  }
  if (!response.ok) throw await ApiError.from(response);
  return response.json();
}

const LEARNER_KEY = 'talkline.learner';

export function learnerId() {
  let id = localStorage.getItem(LEARNER_KEY);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(LEARNER_KEY, id);
  }
  return id;
}

export const api = {
  models: () => request('/v1/models').then((list) => list.data),
  get: (path, { secret } = {}) => request(path, { secret }),

  // -> {value: "ek_…", expires_at, session}, bound to the profile and its options
  secret: (profile, options = {}) => request('/v1/demo/client_secret', {
    method: 'POST', json: { profile, options, user: learnerId() },
  }),

  // -> {job_id, status, stream_url}
  submitVoice: (form, secret) => request('/v1/voice', { method: 'POST', form, secret }),
};

export function realtimeUrl(profile) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/v1/realtime?model=${encodeURIComponent(profile)}`;
}
