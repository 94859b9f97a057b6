"""Relay mode: a profile's Realtime sessions served by an upstream Realtime service (OpenAI's `gpt-realtime`,
or another Talkline), while the gateway keeps auth, server tools, transcripts, metrics and limits."""

from talkline.realtime.relay.session import RelayServices, RelaySession
from talkline.realtime.relay.upstream import UpstreamUnavailable

__all__ = ["RelayServices", "RelaySession", "UpstreamUnavailable"]
