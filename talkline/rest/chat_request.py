"""A chat completions request as a turn's input: the profile, the conversation, the turn's options.

Messages map onto the agent's neutral conversation: system and developer messages become the
instructions (replacing the profile's, as a Realtime `session.update` would), user text and
transcribed `input_audio` parts become user messages, assistant messages (text, the transcript of an
earlier audio reply, tool calls) and tool messages keep the conversation's tool history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from talkline.agent.base import ToolChoice
from talkline.agent.history import HistoryItem, Message, ToolCall, ToolOutput
from talkline.agent.tools import ToolSpec
from talkline.auth.identity import Caller
from talkline.engines.base import EngineError, TextToSpeech
from talkline.http_errors import ApiError
from talkline.limits import TextLimits, TextTooLong, conversation_chars
from talkline.pipeline import Pipeline, TurnOptions
from talkline.profiles.base import Profile
from talkline.rest import chat_models as wire
from talkline.rest.errors import engine_error
from talkline.rest.services import RestServices
from talkline.rest.voices import check_voice

STREAMED_AUDIO_FORMAT = "pcm16"


@dataclass(frozen=True)
class ChatPlan:
    profile: Profile
    history: tuple[HistoryItem, ...]
    options: TurnOptions
    audio_format: str | None  # the reply's audio format when audio output was asked for
    input_audio_ms: float = 0.0


@dataclass
class _Conversation:
    instructions: list[str] = field(default_factory=list)
    history: list[HistoryItem] = field(default_factory=list)
    audio_ms: float = 0.0
    language: str | None = None  # of the latest spoken user message


class ChatPlanner:
    def __init__(self, services: RestServices) -> None:
        self.services = services

    async def plan(self, body: wire.ChatCompletionRequest, caller: Caller, pipeline: Pipeline,
                   arrived_at: float) -> ChatPlan:
        _refuse_unsupported(body, caller)
        profile = self.services.profile(self.services.bound_model(body.model, caller))
        audio_format = _audio_format(body, pipeline.tts)
        limits = TextLimits.of(self.services.settings)
        try:
            _check_texts(body.messages, limits, locked_instructions=caller.kind == "client_secret")
            conversation = await _MessageReader(self.services, caller, pipeline, profile).read(body.messages)
            limits.check_conversation(conversation_chars(conversation.history), "messages")
        except TextTooLong as exc:
            raise ApiError(400, exc.message, code=exc.code, param=exc.param) from None
        client_tools = [ToolSpec(t.function.name, t.function.description, t.function.parameters)
                        for t in body.tools or ()]
        tools = [*profile.tools.specs(), *client_tools]
        speak = bool(audio_format and body.audio)
        bound_instructions = (caller.bound_session or {}).get("instructions")
        options = TurnOptions(
            instructions="\n\n".join(conversation.instructions) or bound_instructions, speak=speak,
            voice=body.audio.voice_name if speak and body.audio else None, language=conversation.language,
            client_tools=client_tools, tool_choice=_tool_choice(body.tool_choice, tools),
            max_output_tokens=body.max_output_tokens, options=caller.options, owner=caller.owner,
            speech_ended_at=arrived_at)  # the request's arrival: its audio is complete
        return ChatPlan(profile=profile, history=tuple(conversation.history), options=options,
                        audio_format=audio_format, input_audio_ms=conversation.audio_ms)


class _MessageReader:
    """Reads one request's messages into a conversation, transcribing audio parts on the way."""

    def __init__(self, services: RestServices, caller: Caller, pipeline: Pipeline, profile: Profile) -> None:
        self.services, self.caller, self.pipeline, self.profile = services, caller, pipeline, profile
        self.conversation = _Conversation()

    async def read(self, messages: Sequence[wire.Message]) -> _Conversation:
        for index, message in enumerate(messages):
            param = f"messages[{index}]"
            if isinstance(message, wire.SystemMessage):
                self.conversation.instructions.append(_plain_text(message.content))
            elif isinstance(message, wire.UserMessage):
                self.conversation.history.append(Message("user", await self._user_text(message, param)))
            elif isinstance(message, wire.AssistantMessage):
                self.conversation.history.extend(self._assistant_items(message, param))
            else:
                self.conversation.history.append(ToolOutput(message.tool_call_id, _plain_text(message.content)))
        return self.conversation

    async def _user_text(self, message: wire.UserMessage, param: str) -> str:
        if isinstance(message.content, str):
            return message.content
        texts: list[str] = []
        for index, part in enumerate(message.content):
            part_param = f"{param}.content[{index}]"
            if isinstance(part, wire.TextPart):
                texts.append(part.text)
            elif isinstance(part, wire.InputAudioPart):
                texts.append(await self._transcribe(part, f"{part_param}.input_audio.data"))
            else:
                raise _unsupported_part(part.type, part_param)
        return " ".join(text.strip() for text in texts if text.strip())

    async def _transcribe(self, part: wire.InputAudioPart, param: str) -> str:
        pcm = await self.services.audio_input.decode_base64(part.input_audio.data, param)
        try:
            transcription = await self.pipeline.transcribe(pcm, language=self.profile.language)
        except EngineError as exc:
            raise engine_error(exc, param) from None
        self.conversation.audio_ms += pcm.duration_ms
        self.conversation.language = transcription.language or self.conversation.language
        return transcription.text

    def _assistant_items(self, message: wire.AssistantMessage, param: str) -> list[HistoryItem]:
        texts = [_assistant_text(message.content, param)]
        if message.audio is not None:
            transcript = self.services.replies.transcript(self.caller.owner, message.audio.id)
            if transcript is None:
                raise ApiError(400, f"Audio with id '{message.audio.id}' is unknown or has expired; send the "
                               "reply's transcript as content instead", code="invalid_value",
                               param=f"{param}.audio.id")
            texts.append(transcript)
        items: list[HistoryItem] = []
        text = " ".join(t.strip() for t in texts if t.strip())
        if text:
            items.append(Message("assistant", text))
        items.extend(ToolCall(call.id, call.function.name, call.function.arguments) for call in message.tool_calls or ())
        return items


def _check_texts(messages: Sequence[wire.Message], limits: TextLimits, *, locked_instructions: bool) -> None:
    """Each message within its bound before any work starts; a client secret's session keeps its instructions."""
    for index, message in enumerate(messages):
        param = f"messages[{index}].content"
        if isinstance(message, wire.SystemMessage):
            if locked_instructions:
                raise ApiError(403, "the instructions are fixed by the client secret this request uses; "
                               "system and developer messages are refused", code="session_field_locked",
                               param=f"messages[{index}]")
            limits.check_instructions(_plain_text(message.content), param)
        elif isinstance(message, wire.UserMessage):
            parts = [message.content] if isinstance(message.content, str) else message.content
            limits.check_message(" ".join(p if isinstance(p, str) else getattr(p, "text", "") for p in parts), param)
        elif isinstance(message, wire.AssistantMessage):
            limits.check_message(_assistant_text(message.content, param), param)
        else:
            limits.check_message(_plain_text(message.content), param)


def _refuse_unsupported(body: wire.ChatCompletionRequest, caller: Caller) -> None:
    if body.n not in (None, 1):
        raise ApiError(400, "only one choice per request is supported (n=1)", code="invalid_value", param="n")
    if body.response_format is not None and body.response_format.type != "text":
        raise ApiError(400, f"response_format '{body.response_format.type}' is not supported; use 'text'",
                       code="invalid_value", param="response_format.type")


def _audio_format(body: wire.ChatCompletionRequest, tts: TextToSpeech) -> str | None:
    if not body.wants_audio:
        return None
    if body.audio is None:
        raise ApiError(400, "audio output needs the 'audio' parameter: {\"voice\": …, \"format\": …}",
                       code="missing_required_parameter", param="audio")
    if body.stream and body.audio.format != STREAMED_AUDIO_FORMAT:
        raise ApiError(400, f"streamed audio is sent as pcm16 only, not '{body.audio.format}'",
                       code="invalid_value", param="audio.format")
    check_voice(tts, body.audio.voice_name, "audio.voice")
    return body.audio.format


def _tool_choice(choice: str | wire.NamedToolChoice | None, tools: Sequence[ToolSpec]) -> ToolChoice:
    if choice is None:
        return "auto"
    if isinstance(choice, str):
        return choice
    name = choice.function.name
    if name not in {tool.name for tool in tools}:
        raise ApiError(400, f"tool_choice names the function '{name}', which is not among the tools",
                       code="invalid_value", param="tool_choice.function.name")
    return name


def _plain_text(content: str | list[wire.TextPart]) -> str:
    if isinstance(content, str):
        return content
    return "".join(part.text for part in content)


def _assistant_text(content: str | list[wire.AssistantPart] | None, param: str) -> str:
    if content is None or isinstance(content, str):
        return content or ""
    texts = []
    for index, part in enumerate(content):
        if isinstance(part, wire.TextPart):
            texts.append(part.text)
        elif isinstance(part, wire.OtherPart):
            raise _unsupported_part(part.type, f"{param}.content[{index}]")
    return "".join(texts)


def _unsupported_part(kind: str, param: str) -> ApiError:
    return ApiError(400, f"content parts of type '{kind}' are not supported here; send text or input_audio",
                    code="invalid_value", param=param)
