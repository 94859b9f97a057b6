"""Terminal clients of a Talkline server: `talkline call` (a realtime conversation) and `talkline voice`
(a voice job followed over SSE). They talk to the server over the network like any other app."""
