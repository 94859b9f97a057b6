// The server's HTTP API, as the page uses it. The page never holds a server key: it asks the demo
// token route for a short-lived client secret (ek_…) and sends that as a bearer token.

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
    return new ApiError(response.status, error.code ?? null, error.message ?? `${response.status} ${response.statusText}`);
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
  const response = await fetch(path, { method, headers, body, signal, cache: 'no-store' });
  if (!response.ok) throw await ApiError.from(response);
  return response.json();
}

export const api = {
  models: () => request('/v1/models').then((list) => list.data),
  scenarios: () => request('/v1/practice/scenarios').then((list) => list.data),
  personas: () => request('/v1/practice/personas').then((list) => list.data),

  // {profile, scenario?, persona?} -> {value: "ek_…", expires_at, session}
  demoSecret: (choice) => request('/v1/demo/client_secret', { method: 'POST', json: choice }),

  practiceSession: (sessionId, secret) =>
    request(`/v1/practice/sessions/${encodeURIComponent(sessionId)}`, { secret }),

  // -> {job_id, status, stream_url}
  submitVoice: (form, secret) => request('/v1/voice', { method: 'POST', form, secret }),
};

export function realtimeUrl(profile) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/v1/realtime?model=${encodeURIComponent(profile)}`;
}
