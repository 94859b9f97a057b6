"""Eco as a Talkline application: its profile (with its card) and its evaluation command, registered under
the `talkline.applications` entry point like any third-party application."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from talkline.engines.pool import InferencePool
from talkline.profiles.applications import Application
from talkline.profiles.base import Profile
from talkline.profiles.card import ProfileCard
from talkline.profiles.eco import create_eco_profile, warm_up

CARD = ProfileCard(
    title={"en": "Recycling helper", "ko": "분리배출 도우미"},
    summary={"en": "How to sort and put out household waste in Korea: items, bulky waste, recycling centres",
             "ko": "생활 쓰레기 분리배출 방법, 대형 폐기물, 재활용 센터를 알려 드려요"},
    languages=["ko", "en"],
)


def profiles(pool: InferencePool | None) -> list[Profile]:
    return [replace(create_eco_profile(pool), warm_up=lambda: warm_up(pool), card=CARD)]


def evaluate(
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the full report as JSON here.")] = None,
    spoken: Annotated[bool, typer.Option(help="Say each question (Piper, espeak-ng) and ask what whisper heard.")] = False,
    limit: Annotated[int | None, typer.Option(help="Spoken: only this many questions, spread over the set.")] = None,
) -> None:
    """Answer-level pass rate of eco on its labelled questions, per group (Korean, English, follow-ups)."""
    from rich.console import Console

    if spoken:
        from talkline.profiles.eco.spoken import run_spoken_evaluation
        from talkline.settings import Settings

        report = run_spoken_evaluation(Settings().data_dir, limit)
    else:
        from talkline.profiles.eco.evaluate import run_evaluation

        report = run_evaluation()
    Console().print(report.table())
    if json_out is not None:
        json_out.write_text(report.to_json())
        typer.echo(f"report written to {json_out}")


application = Application(name="eco", profiles=profiles, evaluate=evaluate)
