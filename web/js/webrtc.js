// One Realtime call over WebRTC (OpenAI's GA flow): the microphone track and the `oai-events` data
// channel go in an SDP offer to POST /v1/realtime/calls with the client secret; the server's answer
// completes the connection, its reply plays from its own audio track, and every event travels on the
// data channel exactly as on the WebSocket. The connection has RealtimeConnection's interface.

import { EventLine, RealtimeError } from './realtime.js';

const CHANNEL = 'oai-events';
const GATHER_MS = 2000; // the offer waits this long at most for its ICE candidates
const OPEN_MS = 10000;

export class RtcConnection extends EventLine {
  constructor(peer, channel, secret) {
    super();
    this.peer = peer;
    this.channel = channel;
    this.secret = secret;
    this.callId = null;
    channel.addEventListener('message', (message) => this.receive(JSON.parse(message.data)));
    channel.addEventListener('close', () => this.closed());
    peer.addEventListener('connectionstatechange', () => {
      if (['failed', 'closed'].includes(peer.connectionState)) this.closed();
    });
    this.opened = new Promise((resolve, reject) => {
      channel.addEventListener('open', resolve, { once: true });
      setTimeout(() => reject(new RealtimeError('server_unreachable', 'the WebRTC connection did not open')), OPEN_MS);
    });
    this.opened.catch(() => {});
  }

  get open() {
    return this.channel.readyState === 'open';
  }

  get line() {
    return this.channel;
  }

  close() {
    if (this.closing) return;
    this.closing = true;
    if (this.callId) {
      fetch(`/v1/realtime/calls/${this.callId}/hangup`, {
        method: 'POST', keepalive: true, headers: { Authorization: `Bearer ${this.secret}` },
      }).catch(() => {});
    }
    this.peer.close();
  }

  closed() {
    if (this.ended) return;
    this.ended = true;
    this.rejectWaiters(new RealtimeError('connection_lost', 'the WebRTC call ended'));
    if (!this.closing) this.onClose({ code: 1006 });
  }
}

// -> RtcConnection, with the call answered and its data channel open. onRemote(MediaStream) gets the reply track.
// prepare(connection) runs before anything can arrive, so no event is missed.
export async function callOverWebRtc(profile, secret, track, onRemote, prepare = () => {}) {
  if (typeof RTCPeerConnection !== 'function') throw new RealtimeError('webrtc_unavailable', 'no WebRTC in this browser');
  const peer = new RTCPeerConnection();
  const channel = peer.createDataChannel(CHANNEL);
  const connection = new RtcConnection(peer, channel, secret);
  prepare(connection);
  try {
    peer.addTransceiver(track, { direction: 'sendrecv' });
    peer.addEventListener('track', (event) => onRemote(event.streams[0] ?? new MediaStream([event.track])));
    await peer.setLocalDescription(await peer.createOffer());
    await gathered(peer);
    const response = await fetch(`/v1/realtime/calls?model=${encodeURIComponent(profile)}`, {
      method: 'POST', body: peer.localDescription.sdp,
      headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/sdp' },
    });
    if (response.status !== 201) {
      const error = (await response.json().catch(() => ({})))?.error ?? {};
      throw new RealtimeError(error.code ?? 'webrtc_refused', error.message ?? `${response.status}`);
    }
    connection.callId = (response.headers.get('Location') ?? '').split('/').pop() || null;
    await peer.setRemoteDescription({ type: 'answer', sdp: await response.text() });
    await connection.opened;
    return connection;
  } catch (error) {
    connection.close();
    throw error;
  }
}

function gathered(peer) {
  if (peer.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => peer.iceGatheringState === 'complete' && resolve();
    peer.addEventListener('icegatheringstatechange', done);
    setTimeout(resolve, GATHER_MS);
  });
}
