"""What every transport does to open a session: build the local or the relay session."""

from __future__ import annotations

from collections.abc import Mapping

from talkline.auth.identity import Caller
from talkline.profiles.base import Profile
from talkline.realtime.handlers import router as event_router
from talkline.realtime.relay import RelayServices, RelaySession
from talkline.realtime.session import RealtimeServices, RealtimeSession
from talkline.realtime.transport import Transport

RESERVED_QUERY = frozenset({"model", "api-key", "call_id", "intent", "speculate"})
SWITCH = {"1": True, "true": True, "on": True, "0": False, "false": False, "off": False}


def query_options(query: Mapping[str, str]) -> dict[str, str]:
    """The profile options asked for in the query string: every parameter that is not the connection's own."""
    return {key: value for key, value in query.items() if key not in RESERVED_QUERY}


def speculate_choice(value: str | None) -> bool | None:
    """`?speculate=on|off` for one session (None: the server's setting); ValueError for anything else."""
    if value is None:
        return None
    if value.lower() not in SWITCH:
        raise ValueError("speculate must be on or off")
    return SWITCH[value.lower()]


def open_session(transport: Transport, services: RealtimeServices, registered: Profile, profile: Profile,
                 caller: Caller, *, beta: bool, options: dict[str, str], speculate: bool | None = None
                 ) -> RealtimeSession | RelaySession:
    """The relay if the registered profile names an upstream (variants made by options keep its engines).
    `speculate`: on or off for this session; None follows the server's setting."""
    upstream = registered.engines.relay
    if upstream is not None:
        return RelaySession(transport, RelayServices(services.settings, services.store), upstream, profile, caller,
                            beta=beta, options=options)
    return RealtimeSession(transport, services, profile, caller, beta=beta, router=event_router, options=options,
                           speculate=speculate)
