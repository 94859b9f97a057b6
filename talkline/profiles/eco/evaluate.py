"""`talkline eval eco`: run the labelled questions through the agent and its tools and score them.

Scores:
- retrieval accuracy: top-1 category of the disposal lookup, over the questions labelled with one;
- fact coverage: share of each question's key facts that the spoken reply contains, averaged;
- routing accuracy: the right tool called first, or the right behaviour (asking back, "not known").

Every question is its own conversation; earlier turns (`before`) are played through the agent
first, so follow-ups are answered from a real history.
"""

from __future__ import annotations

import asyncio
import functools
import io
import json
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict
from rich.console import Console
from rich.table import Table

from talkline.agent.history import Turn
from talkline.engines.pool import InferencePool
from talkline.profiles.base import Profile
from talkline.profiles.eco.dialogue import DISPOSAL, TOOL_NAMES
from talkline.profiles.eco.driver import Exchange, converse
from talkline.profiles.eco.knowledge import DATA_DIR, Lang
from talkline.profiles.eco.text import compact

QUESTIONS = DATA_DIR / "eval_questions.yaml"
Style = Literal["typed", "colloquial", "asr"]
Behaviour = Literal["answer", "clarify", "unknown"]


class EvalQuestion(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    lang: Lang
    style: Style
    ask: str
    facts: tuple[str, ...]  # "a|b" accepts either
    before: tuple[str, ...] = ()
    category: str | None = None
    tool: str | None = None
    expect: Behaviour | None = None


class QuestionResult(BaseModel):
    id: str
    lang: Lang
    style: Style
    ask: str
    before: tuple[str, ...]
    reply: str
    expected_category: str | None
    predicted_category: str | None
    category_correct: bool | None
    expected_route: str | None  # a tool name or a behaviour
    route: str | None
    route_correct: bool | None
    facts_found: list[str]
    facts_missing: list[str]

    @property
    def coverage(self) -> float:
        total = len(self.facts_found) + len(self.facts_missing)
        return len(self.facts_found) / total if total else 1.0


class EvalReport(BaseModel):
    questions: list[QuestionResult]

    @property
    def retrieval_accuracy(self) -> float:
        return _share([q.category_correct for q in self.questions if q.category_correct is not None])

    @property
    def fact_coverage(self) -> float:
        return sum(q.coverage for q in self.questions) / len(self.questions) if self.questions else 0.0

    @property
    def routing_accuracy(self) -> float:
        return _share([q.route_correct for q in self.questions if q.route_correct is not None])

    def scores(self) -> dict[str, float | int]:
        return {"questions": len(self.questions), "retrieval_accuracy": round(self.retrieval_accuracy, 4),
                "fact_coverage": round(self.fact_coverage, 4), "routing_accuracy": round(self.routing_accuracy, 4)}

    def to_json(self) -> str:
        payload = {"scores": self.scores(), "questions": [q.model_dump() | {"coverage": round(q.coverage, 4)}
                                                          for q in self.questions]}
        return json.dumps(payload, ensure_ascii=False, indent=2)

    def table(self) -> Table:
        table = Table(title="eco evaluation", show_lines=False)
        for column in ("id", "question", "expected", "got", "facts", "reply"):
            table.add_column(column, overflow="fold")
        for q in self.questions:
            expected = q.expected_category or q.expected_route or "-"
            got = q.predicted_category if q.expected_category else (q.route or "-")
            ok = q.category_correct if q.category_correct is not None else q.route_correct
            mark = "" if ok is None else ("✓ " if ok else "✗ ")
            facts = f"{len(q.facts_found)}/{len(q.facts_found) + len(q.facts_missing)}"
            table.add_row(q.id, q.ask, expected, f"{mark}{got}", facts, q.reply)
        scores = self.scores()
        table.caption = (f"retrieval top-1 accuracy {scores['retrieval_accuracy']:.1%} · fact coverage "
                         f"{scores['fact_coverage']:.1%} · routing {scores['routing_accuracy']:.1%} · "
                         f"{scores['questions']} questions")
        return table

    def text(self, width: int = 160) -> str:
        console = Console(width=width, record=True, file=io.StringIO())
        console.print(self.table())
        return console.export_text()


@functools.cache
def load_questions(path: Path = QUESTIONS) -> tuple[EvalQuestion, ...]:
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return tuple(EvalQuestion.model_validate(entry) for entry in raw["questions"])


async def evaluate(profile: Profile, questions: tuple[EvalQuestion, ...] | None = None) -> EvalReport:
    results = [await ask(profile, question) for question in questions or load_questions()]
    return EvalReport(questions=results)


async def ask(profile: Profile, question: EvalQuestion) -> QuestionResult:
    history: tuple[Turn, ...] = ()
    for earlier in question.before:
        history = (await converse(profile.agent, profile.tools, history, earlier)).history
    exchange = await converse(profile.agent, profile.tools, history, question.ask)
    found, missing = check_facts(exchange.reply, question.facts)
    predicted = _category(exchange)
    expected_route = question.tool or question.expect
    route = _route(exchange, question)
    return QuestionResult(
        id=question.id, lang=question.lang, style=question.style, ask=question.ask, before=question.before,
        reply=exchange.reply, expected_category=question.category, predicted_category=predicted,
        category_correct=None if question.category is None else predicted == question.category,
        expected_route=expected_route, route=route,
        route_correct=None if expected_route is None else route == expected_route,
        facts_found=found, facts_missing=missing)


def check_facts(reply: str, facts: tuple[str, ...]) -> tuple[list[str], list[str]]:
    spoken = compact(reply)
    found = [fact for fact in facts if any(compact(option) in spoken for option in fact.split("|"))]
    return found, [fact for fact in facts if fact not in found]


def run_evaluation(pool: InferencePool | None = None) -> EvalReport:
    """Evaluate the eco profile on the bundled question set (blocking; loads the models)."""
    from talkline.profiles.eco import create_eco_profile

    return asyncio.run(evaluate(create_eco_profile(pool)))


def _category(exchange: Exchange) -> str | None:
    lookups = [result.value for result in exchange.results if result.name == DISPOSAL and result.ok]
    if not lookups or lookups[-1].get("status") != "answer":
        return None
    return lookups[-1]["category"]["id"]


def _route(exchange: Exchange, question: EvalQuestion) -> str | None:
    if question.expect is not None:
        lookups = [result.value for result in exchange.results if result.name == DISPOSAL and result.ok]
        return lookups[-1].get("status") if lookups else None
    called = [result.name for result in exchange.results if result.name in TOOL_NAMES]
    return called[0] if called else None


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0
