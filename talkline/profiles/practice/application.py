"""Practice as a Talkline application: its profile (one variant per scenario and persona, with its card),
its routes and table, and its page module (web/page.js, served at /apps/practice/page.js), registered under
the `talkline.applications` entry point like any third-party application."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import typer
from fastapi import APIRouter

from talkline.agent.base import AgentRequest
from talkline.engines.pool import InferencePool
from talkline.profiles.applications import Application, AppServices
from talkline.profiles.base import Profile
from talkline.profiles.card import OptionChoice, ProfileCard, ProfileOption
from talkline.profiles.practice.call_history import PracticeSessionRow
from talkline.profiles.practice.catalog import personas, scenarios
from talkline.profiles.practice.history import finish_practice_call
from talkline.profiles.practice.instructions import instructions_for
from talkline.profiles.practice.models import Text

WEB_DIR = Path(__file__).resolve().parent / "web"


def _text(text: Text) -> dict[str, str]:
    return {"en": text.en, "ko": text.ko}


@cache
def card() -> ProfileCard:
    return ProfileCard(
        title={"en": "Phone call practice", "ko": "전화 통화 연습"},
        summary={"en": "Practise everyday phone calls in South Korean with a friend or an elder, with feedback",
                 "ko": "친구나 어르신과 일상 전화 통화를 연습하고 피드백을 받아요"},
        languages=["ko", "en"],
        opens_call=True,
        options=[
            ProfileOption(name="scenario", title={"en": "Situation", "ko": "상황"}, default=scenarios()[0].id,
                          choices=[OptionChoice(value=s.id, title=_text(s.title), summary=_text(s.setting))
                                   for s in scenarios()]),
            ProfileOption(name="persona", title={"en": "Partner", "ko": "상대"}, choices=[
                OptionChoice(value=p.id, title=_text(p.name), summary=_text(p.description)) for p in personas()]),
            ProfileOption(name="language", title={"en": "Language", "ko": "언어"}, default="ko", choices=[
                OptionChoice(value="ko", title={"en": "Korean", "ko": "한국어"}),
                OptionChoice(value="en", title={"en": "English", "ko": "영어"})]),
        ])


def practice_profile(options: Mapping[str, Any] | None = None) -> Profile:
    from talkline.profiles.practice import create_practice_profile

    return replace(create_practice_profile(options), variant=practice_profile, finish_call=finish_practice_call,
                   render_instructions=_render_instructions, card=card())


def _render_instructions(request: AgentRequest) -> str:
    """The system prompt of an LLM agent for this call: its scenario and persona and its progress so far
    (tracked on the server), unless the session chose instructions of its own."""
    chosen = request.instructions.strip()
    if chosen and chosen not in (practice_profile().instructions.strip(),
                                 instructions_for(request.options, request.language).strip()):
        return request.instructions
    return instructions_for(request.options, request.language, request.history)


def profiles(pool: InferencePool | None) -> list[Profile]:
    return [practice_profile()]


def routes(services: AppServices) -> APIRouter:
    from talkline.profiles.practice.routes import practice_router

    return practice_router(services.store, services.owner)


def evaluate(
    speech: Annotated[bool, typer.Option(help="Also hear learner turns through espeak-ng Korean and whisper-base.")]
    = False,
    every: Annotated[int, typer.Option(min=1, help="With --speech: speak every Nth Korean learner turn.")] = 3,
    clip: Annotated[Path | None, typer.Option(help="With --speech: a real recorded Korean clip (README beside it "
                                                   "gives its transcript); default: ../shared/testdata/ko.")] = None,
    noise: Annotated[float | None, typer.Option(min=0.0, max=1.0, help="Also play the set with simulated recognition "
                                                                       "errors at this character error rate (0.22).")]
    = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the full report as JSON here.")] = None,
) -> None:
    """Understanding, repeats, register, North Korean words and call endings on the practice dialogue set."""
    from rich.console import Console

    from talkline.profiles.practice.evaluate import run_evaluation

    console = Console(width=150)  # the table is wide: keep its figures whole on narrow terminals
    report = run_evaluation()
    _print(console, report)
    blind = run_evaluation(group="blind")  # calls written by someone who had not seen the code
    _print(console, blind)
    report.blind = json.loads(blind.to_json())["scenarios"]
    if speech:
        from talkline.profiles.practice.speech_eval import run_speech_evaluation
        from talkline.settings import Settings

        heard = run_speech_evaluation(Settings().data_dir, every=every, clip=clip)
        _print(console, heard)
        report.speech = {**(heard.speech or {}), "scenarios": json.loads(heard.to_json())["scenarios"]}
    if noise is not None:
        from talkline.profiles.practice.speech_eval import run_noisy_evaluation

        noisy = run_noisy_evaluation(noise)
        _print(console, noisy)
        report.noise = {**(noisy.speech or {}), "scenarios": json.loads(noisy.to_json())["scenarios"]}
    if json_out is not None:
        json_out.write_text(report.to_json())
        typer.echo(f"report written to {json_out}")


def _print(console: Any, report: Any) -> None:
    console.print(report.table())
    for line in report.summary():
        console.print(line, markup=False, highlight=False)


application = Application(name="practice", profiles=profiles, routes=routes, tables=[PracticeSessionRow],
                          static_dir=WEB_DIR, page_module="page.js", evaluate=evaluate)
