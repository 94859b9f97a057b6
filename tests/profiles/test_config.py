"""The profiles file: per-profile engines for the built-in profiles, new profiles, keys from the environment."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import Field

from talkline.agent.base import AgentRequest
from talkline.agent.history import Message
from talkline.agent.llm import LLMAgent
from talkline.agent.tools import ToolContext, ToolRegistry
from talkline.engines.pool import InferencePool
from talkline.pipeline.events import ResponseEnd, TextOut, ToolResultOut
from talkline.profiles.base import ProfileRegistry
from talkline.profiles.config import ProfilesFileError, apply_profiles_file, load_profiles_file
from talkline.profiles.engines import LocalEngine, RemoteAgent, RemoteSTT, RemoteTTS
from talkline.profiles.practice import instructions_for
from talkline.profiles.registry import builtin_profiles
from tests.fakes.chat_chunks import ScriptedCall, text_chunks, tool_call_chunks
from tests.fakes.openai_server import EventStream, FakeOpenAI, Received
from tests.turns import request_turn

KEY = "sk-profile-config-secret-4242"
OTHER_KEY = "sk-second-provider-secret-9999"

extra_tools = ToolRegistry()


@extra_tools.tool(description="Today's collection day in a district")
async def collection_day(district: Annotated[str, Field(description="district")]) -> dict[str, str]:
    return {"district": district, "day": "Tuesday"}


def make_tools(pool: InferencePool | None) -> ToolRegistry:
    tools = ToolRegistry()

    @tools.tool(description="Whether the server has an inference pool")
    async def has_pool() -> bool:
        return pool is not None

    return tools


@pytest.fixture(scope="module")
def builtins() -> ProfileRegistry:
    return builtin_profiles()


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI.running() as server:
        yield server


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_LLM_KEY", KEY)
    monkeypatch.setenv("TEST_OTHER_KEY", OTHER_KEY)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profiles.toml"
    path.write_text(text, encoding="utf-8")
    return path


def agent_table(profile: str, base_url: str, model: str = "gpt-4o-mini", key_env: str = "TEST_LLM_KEY") -> str:
    return f"""
[profiles.{profile}.agent]
kind = "openai"
base_url = "{base_url}"
model = "{model}"
api_key_env = "{key_env}"
timeout_s = 10
max_retries = 0
"""


def good_file(base_url: str) -> str:
    return agent_table("eco", base_url) + f"""
[profiles.eco.stt]
kind = "openai"
base_url = "{base_url}"
model = "whisper-1"
api_key_env = "TEST_OTHER_KEY"

[profiles.eco.tts]
kind = "openai"
base_url = "{base_url}"
model = "tts-1"
api_key_env = "TEST_OTHER_KEY"
voices = {{ gildong = "onyx" }}

[profiles.tutor]
description = "Recycling tutor for children"
instructions = "You teach children how to sort waste, one short sentence at a time."
base = "eco"
voice = "nova"
tools = ["tests.profiles.test_config:extra_tools", "tests.profiles.test_config:make_tools"]
options = {{ grade = 3 }}

[profiles.helper]
description = "A plain assistant on a local server"
instructions = "Be brief."
language = "en"
[profiles.helper.agent]
kind = "openai"
base_url = "http://127.0.0.1:9/v1"
model = "llama3.1"
temperature = 0.2
[profiles.helper.stt]
kind = "local"
"""


def test_a_good_file_configures_builtin_and_new_profiles(tmp_path: Path, builtins: ProfileRegistry) -> None:
    registry = apply_profiles_file(builtins, write(tmp_path, good_file("http://127.0.0.1:1/v1")), InferencePool(1))
    assert registry.names() == ["eco", "helper", "practice", "tutor"] and registry.default == builtins.default
    eco, tutor, helper = registry.get("eco"), registry.get("tutor"), registry.get("helper")
    assert isinstance(eco.agent, LLMAgent) and eco.agent.name == "eco:gpt-4o-mini"
    assert eco.tools is builtins.get("eco").tools and eco.instructions == builtins.get("eco").instructions
    assert registry.get("practice") is builtins.get("practice")  # untouched
    choice = eco.engines
    assert isinstance(choice.stt, RemoteSTT) and choice.stt.model == "whisper-1"
    assert isinstance(choice.tts, RemoteTTS) and choice.tts.voices == {"gildong": "onyx"}
    assert choice.stt.endpoint().api_key is not None and choice.stt.endpoint().api_key.get_secret_value() == OTHER_KEY
    assert isinstance(choice.agent, RemoteAgent) and choice.agent.model == "gpt-4o-mini"
    # the new profile inherits from eco what it does not set, and adds its tools
    assert tutor.agent is eco.agent and tutor.voice == "nova" and tutor.language == eco.language
    assert [spec.name for spec in tutor.tools.specs()] == [
        *(spec.name for spec in eco.tools.specs()), "collection_day", "has_pool"]
    assert tutor.engines.tts == choice.tts and tutor.options == {"grade": 3}
    # a fresh profile: its own agent, no key needed for a local server, a local STT
    assert isinstance(helper.agent, LLMAgent) and helper.agent.name == "helper:llama3.1"
    assert helper.engines.stt == LocalEngine() and helper.language == "en" and len(helper.tools) == 0


async def test_tool_factories_get_the_pool(tmp_path: Path, builtins: ProfileRegistry) -> None:
    pool = InferencePool(1)
    registry = apply_profiles_file(builtins, write(tmp_path, good_file("http://127.0.0.1:1/v1")), pool)
    has_pool = registry.get("tutor").tools.get("has_pool")
    assert has_pool is not None and await has_pool.invoke("{}", ToolContext()) is True


async def test_eco_runs_on_the_llm_with_its_tools(tmp_path: Path, builtins: ProfileRegistry,
                                                  fake: FakeOpenAI) -> None:
    eco = apply_profiles_file(builtins, write(tmp_path, good_file(fake.base_url))).get("eco")

    def answered_with_a_price(request: Received) -> None:
        tool_message = request.json()["messages"][-1]
        assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "call_price"
        result = json.loads(tool_message["content"])
        assert result["material"]["id"] == "aluminium_can" and isinstance(result["won_per_kg"], int)

    first = fake.expect_chat(EventStream(tool_call_chunks(
        ScriptedCall("call_price", "get_recyclable_price", ['{"material": "알루미늄 캔"}']))))
    fake.expect_chat(EventStream(text_chunks("캔은 kg당 천이백 원 정도예요.")), check=answered_with_a_price)
    request = AgentRequest(history=(Message("user", "알루미늄 캔은 얼마에 팔려요?"),), instructions=eco.instructions,
                           tools=eco.tools.specs(), language="ko")
    events = [event async for event in request_turn(eco.agent, request, eco.tools)]
    assert any(isinstance(e, ToolResultOut) and e.result.ok for e in events)
    end = events[-1]
    assert isinstance(end, ResponseEnd) and end.text == "캔은 kg당 천이백 원 정도예요."
    assert first.request is not None and first.request.bearer == KEY
    body = first.request.json()
    assert body["messages"][0] == {"role": "system", "content": eco.instructions.strip()}
    assert [tool["function"]["name"] for tool in body["tools"]] == [spec.name for spec in eco.tools.specs()]


async def test_practice_runs_on_the_llm_with_its_scenario_and_persona(tmp_path: Path, builtins: ProfileRegistry,
                                                                     fake: FakeOpenAI) -> None:
    practice = apply_profiles_file(builtins, write(tmp_path, agent_table("practice", fake.base_url))).get("practice")
    assert practice.tools is builtins.get("practice").tools
    options = {"scenario": "bank", "persona": "saerom"}
    default_call = fake.expect_chat(EventStream(text_chunks("안녕! 은행에 왔구나.")))
    custom_call = fake.expect_chat(EventStream(text_chunks("Hi.")))
    for instructions in (practice.instructions, "Speak English only."):  # the profile's, then the session's own
        request = AgentRequest(history=(Message("user", "여보세요?"),), instructions=instructions,
                               tools=practice.tools.specs(), language="ko", options=options)
        turn = request_turn(practice.agent, request, practice.tools)
        assert [e for e in [event async for event in turn] if isinstance(e, TextOut)]
    assert default_call.request is not None and custom_call.request is not None
    rendered = default_call.request.json()["messages"][0]["content"]
    history = (Message("user", "여보세요?"),)
    assert rendered == instructions_for(options, "ko", history).strip() != practice.instructions.strip()
    assert "Bank" in rendered or "은행" in rendered
    assert custom_call.request.json()["messages"][0]["content"] == "Speak English only."
    assert [tool["function"]["name"] for tool in default_call.request.json()["tools"]] == ["get_expression_hint",
                                                                                          "explain_word"]


def test_keys_stay_out_of_reprs_dumps_and_logs(tmp_path: Path, builtins: ProfileRegistry,
                                                caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        registry = apply_profiles_file(builtins, write(tmp_path, good_file("http://127.0.0.1:1/v1")))
    assert "profile eco: agent eco:gpt-4o-mini, stt whisper-1 at 127.0.0.1:1" in caplog.text
    eco = registry.get("eco")
    exposed = [caplog.text, repr(eco), str(eco), repr(eco.engines), eco.engines.model_dump_json(),
               json.dumps(eco.models_entry()), *(engine.model_dump_json() for _, engine in eco.engines),
               repr(load_profiles_file(tmp_path / "profiles.toml"))]
    for text in exposed:
        assert KEY not in text and OTHER_KEY not in text


def test_a_key_written_in_the_file_is_refused_without_repeating_it(tmp_path: Path,
                                                                    builtins: ProfileRegistry) -> None:
    path = write(tmp_path, f'[profiles.eco.agent]\nkind = "openai"\nmodel = "gpt-4o-mini"\napi_key = "{KEY}"\n')
    with pytest.raises(ProfilesFileError) as raised:
        apply_profiles_file(builtins, path)
    message = str(raised.value)
    assert KEY not in message
    assert f"profiles file {path}: profile 'eco', field agent: keys never go in the profiles file" in message


def test_a_missing_key_variable_is_named(tmp_path: Path, builtins: ProfileRegistry,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    path = write(tmp_path, '[profiles.eco.agent]\nkind = "openai"\nmodel = "gpt-4o-mini"\n')  # OpenAI's own URL
    with pytest.raises(ProfilesFileError) as raised:
        apply_profiles_file(builtins, path)
    assert str(raised.value) == (f"profiles file {path}: profile 'eco', field agent.api_key_env: "
                                 "the environment variable OPENAI_API_KEY is not set")


AGENT = '[profiles.eco.agent]\nkind = "openai"\nmodel = "m"\nbase_url = "http://127.0.0.1:9/v1"\n'
NEW = '[profiles.new]\ninstructions = "Be kind."\n'


@pytest.mark.parametrize(("text", "problem"), [
    ("[profiles.eco\n", "is not valid TOML"),
    ('[profiles.eco.agent]\nkind = "anthropic"\n', "profile 'eco', field agent: Input tag 'anthropic'"),
    ('[profiles.eco.agent]\nkind = "openai"\n', "profile 'eco', field agent.model: Field required"),
    (AGENT + "temprature = 0.5\n", "profile 'eco', field agent.temprature: Extra inputs are not permitted"),
    (AGENT + "temperature = 3\n", "profile 'eco', field agent.temperature: Input should be less than or equal to 2"),
    ('[profiles.eco.stt]\nkind = "openai"\ntimeout_s = -1\n', "profile 'eco', field stt.timeout_s: Input should be"),
    ('[profiles.eco.tts]\nkind = "openai"\nbase_url = "ftp://x/v1"\n',
     "profile 'eco', field tts.base_url: base_url must start with http:// or https://"),
    ('[profiles.eco]\nbase = "practice"\n', "profile 'eco', field base: only a new profile takes a base"),
    (NEW + 'base = "nope"\n', "profile 'new', field base: no profile 'nope' to inherit from; known: eco, practice"),
    (NEW, "profile 'new', field agent: a new profile needs an agent table"),
    ('[profiles.new.agent]\nkind = "openai"\nmodel = "m"\nbase_url = "http://h/v1"\n',
     "profile 'new', field instructions: a new profile needs instructions"),
    ('[profiles.eco]\ntools = ["tests.profiles.nowhere:tools"]\n',
     "profile 'eco', field tools[0]: cannot import tests.profiles.nowhere:tools"),
    ('[profiles.eco]\ntools = ["tests.profiles.test_config:KEY"]\n',
     "profile 'eco', field tools[0]: tests.profiles.test_config:KEY is not a ToolRegistry"),
    ('[profiles.eco]\ntools = ["not a reference"]\n', "profile 'eco', field tools[0]: String should match pattern"),
    ('[profiles."bad name"]\ninstructions = "x"\n', "profile 'bad name', field [key]: String should match pattern"),
    ("[engines.eco]\n", "field engines: Extra inputs are not permitted"),
])
def test_bad_files_name_the_file_profile_and_field(tmp_path: Path, builtins: ProfileRegistry, text: str,
                                                   problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ProfilesFileError) as raised:
        apply_profiles_file(builtins, path)
    assert str(raised.value).startswith(f"profiles file {path}")
    assert problem in str(raised.value)


def test_a_missing_file_is_a_clear_error(tmp_path: Path, builtins: ProfileRegistry) -> None:
    with pytest.raises(ProfilesFileError, match="cannot read the profiles file .*missing.toml: No such file"):
        apply_profiles_file(builtins, tmp_path / "missing.toml")


def test_local_engines_and_an_empty_file_change_nothing(tmp_path: Path, builtins: ProfileRegistry) -> None:
    empty = apply_profiles_file(builtins, write(tmp_path, ""))
    assert [p for p in empty] == [p for p in builtins]
    local = apply_profiles_file(builtins, write(tmp_path, '[profiles.eco.agent]\nkind = "local"\n'))
    eco: Any = local.get("eco")
    assert eco.agent is builtins.get("eco").agent and eco.engines.stt == LocalEngine()


def test_a_per_session_variant_keeps_the_files_engines(tmp_path: Path, builtins: ProfileRegistry) -> None:
    registry = apply_profiles_file(builtins, write(tmp_path, agent_table("practice", "http://127.0.0.1:1/v1")))
    variant = registry.get("practice").for_options({"scenario": "bank", "persona": "saerom"})
    assert isinstance(variant.agent, LLMAgent)  # the scenario and persona change, the engine stays
    assert variant.voice == "saerom" and variant.instructions == instructions_for({"scenario": "bank",
                                                                                   "persona": "saerom"})
    assert variant.for_options({"scenario": "mart"}).agent is variant.agent
