"""Practice as a Talkline application: its profile (one variant per scenario and persona, with its card),
its routes and table, and its page module (web/page.js, served at /apps/practice/page.js), registered under
the `talkline.applications` entry point like any third-party application."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

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
    return instructions_for(request.options, request.language)  # the scenario and persona of this call


def profiles(pool: InferencePool | None) -> list[Profile]:
    return [practice_profile()]


def routes(services: AppServices) -> APIRouter:
    from talkline.profiles.practice.routes import practice_router

    return practice_router(services.store, services.owner)


application = Application(name="practice", profiles=profiles, routes=routes, tables=[PracticeSessionRow],
                          static_dir=WEB_DIR, page_module="page.js")
