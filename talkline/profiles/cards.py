"""TEMPORARY stand-in for contract A (the `talkline` card on `/v1/models`) and the `/apps/{application}/`
static mount, so the web page can be built and tested before the plugin registration lands.
Replaced by the plugin registration at merge: nothing else should import this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from talkline.profiles.base import Profile

PRACTICE_WEB = Path(__file__).resolve().parent / "practice" / "web"


def _text(en: str, ko: str) -> dict[str, str]:
    return {"en": en, "ko": ko}


def _practice_options() -> list[dict[str, Any]]:
    from talkline.profiles.practice.catalog import personas, scenarios

    return [
        {"name": "scenario", "title": _text("Situation", "상황"), "default": "mart",
         "choices": [{"value": s.id, "title": s.title.model_dump(), "summary": s.goal.model_dump()}
                     for s in scenarios()]},
        {"name": "persona", "title": _text("Who answers", "통화 상대"), "default": None,
         "choices": [{"value": p.id, "title": p.name.model_dump(), "summary": p.description.model_dump()}
                     for p in personas()]},
        {"name": "language", "title": _text("Call language", "통화 언어"), "default": "ko",
         "choices": [{"value": "ko", "title": _text("Korean", "한국어"),
                      "summary": _text("Practise in Korean.", "한국어로 연습해요.")},
                     {"value": "en", "title": _text("English", "영어"),
                      "summary": _text("Try the situation in English first.", "먼저 영어로 상황을 익혀요.")}]},
    ]


def client_card(profile: Profile) -> dict[str, Any]:
    if profile.name == "eco":
        return {"title": _text("Recycling helper", "분리배출 도우미"),
                "summary": _text("Ask how to sort and throw away anything.", "무엇이든 어떻게 버리는지 물어보세요."),
                "languages": ["ko", "en"], "opens_call": False, "options": [], "page_module": None}
    if profile.name == "practice":
        return {"title": _text("Phone-call practice", "전화 연습"),
                "summary": _text("Practise everyday calls in South Korean and get feedback.",
                                 "일상 속 전화 통화를 연습하고 피드백을 받아요."),
                "languages": ["ko", "en"], "opens_call": True, "options": _practice_options(),
                "page_module": "/apps/practice/page.js"}
    return {"title": _text(profile.name, profile.name), "summary": _text(profile.description, profile.description),
            "languages": [profile.language] if profile.language else [], "opens_call": False, "options": [],
            "page_module": None}


def mount_application_pages(app: FastAPI) -> None:
    app.mount("/apps/practice", StaticFiles(directory=PRACTICE_WEB, check_dir=False), name="apps-practice")
