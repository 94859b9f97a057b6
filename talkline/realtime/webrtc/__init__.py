"""The WebRTC transport: `POST /v1/realtime/calls` (signalling.py) opens a peer connection (peer.py)
whose Opus track and `oai-events` data channel are translated (transport.py) to and from the frames
the realtime session engine already speaks; the server's reply is played out on its own track at
real time (playout.py); incoming audio is decoded as soon as it is next in order (jitter.py). The offer
is checked first (offer.py). Live calls are named in realtime/calls.py for hang-up and sideband control."""
