// One connection attempt for a call: mint a client secret bound to the profile and its options,
// open the call (WebRTC, or the Realtime WebSocket) and configure the session. Resolves once the
// session is ready.

import { api, realtimeUrl } from '../api.js';
import { RealtimeConnection } from '../realtime.js';
import { callOverWebRtc } from '../webrtc.js';

// webrtc: null for the WebSocket, or {track, onRemote} to call over WebRTC -> {connection, secret, sessionId}
export async function connect({ profile, options, mode, language }, onEvent, webrtc = null) {
  const secret = (await api.secret(profile, options)).value;
  let connection;
  let created;
  if (webrtc) {
    connection = await callOverWebRtc(profile, secret, webrtc.track, webrtc.onRemote, (c) => {
      created = c.expect('session.created');
      created.catch(() => {}); // a failed call is reported by callOverWebRtc itself
      c.listen(onEvent);
    });
  } else {
    connection = new RealtimeConnection(realtimeUrl(profile), secret);
    created = connection.expect('session.created');
    connection.listen(onEvent);
  }
  try {
    await connection.opened;
    const sessionId = (await created).session.id;
    const updated = connection.expect('session.updated');
    connection.send({ type: 'session.update', session: sessionConfig(mode, language) });
    await updated;
    return { connection, secret, sessionId };
  } catch (error) {
    connection.close();
    throw error;
  }
}

function sessionConfig(mode, language) {
  const transcription = { model: 'whisper-1' };
  if (language) transcription.language = language;
  const input = { transcription };
  if (mode === 'ptt') input.turn_detection = null;
  return { type: 'realtime', audio: { input } };
}

// Waits before reconnect attempt `n` (1, 2, …): 0.5 s, 1 s, 2 s, 4 s, then 8 s; null when it is time to stop.
export function backoffMs(n, { firstMs = 500, maxMs = 8000, attempts = 6 } = {}) {
  return n > attempts ? null : Math.min(maxMs, firstMs * 2 ** (n - 1));
}
