"""What every transport does to open a session: choose the profile, and build the local or relay session."""

from __future__ import annotations

from talkline.auth.identity import Caller
from talkline.profiles.base import Profile, ProfileRegistry
from talkline.realtime.handlers import router as event_router
from talkline.realtime.relay import RelayServices, RelaySession
from talkline.realtime.session import RealtimeServices, RealtimeSession
from talkline.realtime.transport import Transport


def choose_model(requested: str | None, caller: Caller, profiles: ProfileRegistry) -> str | None:
    """A client secret fixes the profile; a request naming another one is refused (ValueError)."""
    bound = (caller.bound_session or {}).get("model")
    if bound and requested and requested != bound and requested in profiles.names():
        raise ValueError(f"this client secret was minted for model '{bound}', not '{requested}'")
    return bound or requested


def open_session(transport: Transport, services: RealtimeServices, registered: Profile, profile: Profile,
                 caller: Caller, *, beta: bool, options: dict[str, str]) -> RealtimeSession | RelaySession:
    """The relay if the registered profile names an upstream (variants made by options keep its engines)."""
    upstream = registered.engines.relay
    if upstream is not None:
        return RelaySession(transport, RelayServices(services.settings, services.store), upstream, profile, caller,
                            beta=beta, options=options)
    return RealtimeSession(transport, services, profile, caller, beta=beta, router=event_router, options=options)
