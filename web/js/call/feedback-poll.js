// A practice call's transcript and feedback are stored when the call hangs up: poll briefly.

import { api, ApiError } from '../api.js';

const ATTEMPTS = 30;
const INTERVAL_MS = 500;

export async function pollFeedback(sessionId, secret) {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    try {
      const session = await api.practiceSession(sessionId, secret);
      if (session.feedback) return session.feedback;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) return null;
    }
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
  }
  return null;
}
