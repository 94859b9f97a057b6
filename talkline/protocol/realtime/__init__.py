"""The OpenAI Realtime protocol (GA, with the beta dialect mapped at the edge) as pydantic models.

    event = parse_client_event(frame, beta=is_beta)        # ClientEvent or ProtocolError
    session = merge_session(session, event.patch())        # on session.update
    frame = dump(SessionUpdatedEvent(session=session))     # wire JSON (GA)
    frame = ga_server_to_beta(frame) if is_beta else frame # None: no beta equivalent, send nothing
"""

from talkline.protocol.realtime.beta import (
    beta_client_to_ga,
    beta_session_to_ga,
    ga_param_to_beta,
    ga_server_to_beta,
    ga_session_to_beta,
)
from talkline.protocol.realtime.client_events import (
    ClientEvent,
    decode_base64_audio,
    encode_base64_audio,
    parse_client_event,
)
from talkline.protocol.realtime.errors import ErrorEvent, ProtocolError, error_event
from talkline.protocol.realtime.ids import new_id
from talkline.protocol.realtime.server_events import RealtimeResponse, ServerEvent
from talkline.protocol.realtime.session import Session, merge_session
from talkline.protocol.realtime.wire import dump

__all__ = [
    "ClientEvent", "ErrorEvent", "ProtocolError", "RealtimeResponse", "ServerEvent", "Session",
    "beta_client_to_ga", "beta_session_to_ga", "decode_base64_audio", "dump", "encode_base64_audio",
    "error_event", "ga_param_to_beta", "ga_server_to_beta", "ga_session_to_beta", "merge_session",
    "new_id", "parse_client_event",
]
