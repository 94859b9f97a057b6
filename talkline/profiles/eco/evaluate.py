"""`talkline eval eco`: run the labelled questions through the agent and its tools and score the answers.

A question passes when its answer is right at the answer level, not only the category:
- the lookup found the expected item (`item`), and the reply names it (one of its names, or the
  words in `named` for follow-ups about a part: "뚜껑은 ...");
- a yes/no question is answered yes or no first (`starts`: 네/아니요, Yes/No);
- every key fact is stated (`facts`, "a|b" accepts either);
- the expected tool was called first (`tool`), or the expected behaviour happened (`expect`:
  asking back, or saying it does not know); the expected category when one is given.

Groups: colloquial Korean (`ko`), English (`en`), follow-ups (`follow_up`, questions with earlier
turns in `before`, each played through the agent first so the follow-up is answered from a real
history). The target is 95 % overall and in every group. Each question also belongs to a batch (`main`,
or `blind-3`: written without reading the knowledge files), reported on its own rows so a held-out
set's score is never hidden in the total.
"""

from __future__ import annotations

import asyncio
import functools
import io
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict
from rich.console import Console, Group
from rich.table import Table

from talkline.agent.history import Turn
from talkline.engines.pool import InferencePool
from talkline.profiles.base import Profile
from talkline.profiles.eco.dialogue import BULK, DISPOSAL, TOOL_NAMES
from talkline.profiles.eco.driver import Exchange, converse
from talkline.profiles.eco.knowledge import DATA_DIR, Lang, load_knowledge
from talkline.profiles.eco.models import letter_text
from talkline.profiles.eco.text import compact

QUESTIONS = DATA_DIR / "eval_questions.yaml"
TARGET = 0.95
GROUPS = ("ko", "en", "follow_up")
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
    item: str | None = None  # the knowledge-base item the answer must be about ("a|b": either)
    named: tuple[str, ...] = ()  # words that name it in the reply ("a|b"), when not one of its names
    starts: str | None = None  # how the reply must begin: 네 / 아니요 / Yes / No
    category: str | None = None
    tool: str | None = None
    expect: Behaviour | None = None
    batch: str = "main"  # the set it was written in: "blind-3" was written without reading the knowledge

    @property
    def group(self) -> str:
        return "follow_up" if self.before else self.lang


class QuestionResult(BaseModel):
    id: str
    lang: Lang
    style: Style
    group: str
    batch: str = "main"
    ask: str
    heard: str | None = None  # what speech recognition made of `ask` (spoken evaluation)
    before: tuple[str, ...]
    reply: str
    expected_item: str | None
    items: list[str]
    expected_category: str | None
    predicted_category: str | None
    category_correct: bool | None
    expected_route: str | None  # a tool name or a behaviour
    route: str | None
    route_correct: bool | None
    facts_found: list[str]
    facts_missing: list[str]
    problems: list[str]
    ms: float = 0.0  # from the question to the whole reply (the skill agent streams it at once)

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def coverage(self) -> float:
        total = len(self.facts_found) + len(self.facts_missing)
        return len(self.facts_found) / total if total else 1.0


class EvalReport(BaseModel):
    questions: list[QuestionResult]
    mode: str = "text"

    def pass_rate(self, group: str | None = None, batch: str | None = None) -> float:
        return _share([q.passed for q in self._chosen(group, batch)])

    def _chosen(self, group: str | None = None, batch: str | None = None) -> list[QuestionResult]:
        return [q for q in self.questions if (group is None or q.group == group) and (batch is None or q.batch == batch)]

    @property
    def batches(self) -> list[str]:
        return list(dict.fromkeys(q.batch for q in self.questions))

    @property
    def retrieval_accuracy(self) -> float:
        return _share([q.category_correct for q in self.questions if q.category_correct is not None])

    @property
    def fact_coverage(self) -> float:
        return sum(q.coverage for q in self.questions) / len(self.questions) if self.questions else 0.0

    @property
    def routing_accuracy(self) -> float:
        return _share([q.route_correct for q in self.questions if q.route_correct is not None])

    def scores(self) -> dict[str, Any]:
        groups = {group: {"questions": sum(q.group == group for q in self.questions),
                          "passed": round(self.pass_rate(group), 4)} for group in GROUPS}
        batches = {batch: {"questions": len(self._chosen(batch=batch)), "passed": round(self.pass_rate(batch=batch), 4),
                           "groups": {group: round(self.pass_rate(group, batch), 4) for group in GROUPS
                                      if self._chosen(group, batch)}} for batch in self.batches}
        return {"mode": self.mode, "questions": len(self.questions), "passed": round(self.pass_rate(), 4),
                "groups": groups, "batches": batches, "reply_ms": {"p50": round(self.latency(0.5), 1), "p95": round(self.latency(0.95), 1)}, "retrieval_accuracy": round(self.retrieval_accuracy, 4),
                "fact_coverage": round(self.fact_coverage, 4), "routing_accuracy": round(self.routing_accuracy, 4)}

    def latency(self, quantile: float) -> float:
        """Milliseconds from question to reply, tool calls included, at `quantile` over the questions."""
        times = sorted(q.ms for q in self.questions)
        return times[min(len(times) - 1, int(quantile * len(times)))] if times else 0.0

    def meets_target(self, target: float = TARGET) -> bool:
        return self.pass_rate() >= target and all(self.pass_rate(group) >= target for group in GROUPS
                                                  if any(q.group == group for q in self.questions))

    def to_json(self) -> str:
        payload = {"scores": self.scores(), "questions": [q.model_dump() | {"passed": q.passed} for q in self.questions]}
        return json.dumps(payload, ensure_ascii=False, indent=2)

    def summary_table(self) -> Table:
        table = Table(title=f"eco evaluation ({self.mode})")
        for column in ("group", "questions", "passed", "share"):
            table.add_column(column, justify="right" if column != "group" else "left")
        names = {"ko": "Korean", "en": "English", "follow_up": "follow-ups"}
        for group in GROUPS:
            chosen = [q for q in self.questions if q.group == group]
            table.add_row(names[group], str(len(chosen)), str(sum(q.passed for q in chosen)),
                          f"{self.pass_rate(group):.1%}")
        table.add_row("all", str(len(self.questions)), str(sum(q.passed for q in self.questions)),
                      f"{self.pass_rate():.1%}", style="bold")
        for batch in self.batches if len(self.batches) > 1 else ():
            for group in (*GROUPS, None):
                if chosen := self._chosen(group, batch):
                    table.add_row(f"{batch} · {names[group] if group else 'all'}", str(len(chosen)),
                                  str(sum(q.passed for q in chosen)), f"{self.pass_rate(group, batch):.1%}")
        table.caption = (f"target {TARGET:.0%} overall and per group · category top-1 {self.retrieval_accuracy:.1%} · "
                         f"facts {self.fact_coverage:.1%} · routing {self.routing_accuracy:.1%} · reply p50 "
                         f"{self.latency(0.5):.1f} ms, p95 {self.latency(0.95):.1f} ms")
        return table

    def failures_table(self) -> Table:
        table = Table(title="questions that failed", show_lines=True)
        for column in ("id", "question", "heard", "problems", "reply"):
            table.add_column(column, overflow="fold")
        for q in self.questions:
            if not q.passed:
                table.add_row(q.id, q.ask, q.heard or "", "; ".join(q.problems), q.reply)
        return table

    def table(self) -> Group:
        return Group(self.summary_table(), self.failures_table()) if not all(q.passed for q in self.questions) \
            else Group(self.summary_table())

    def text(self, width: int = 160) -> str:
        console = Console(width=width, record=True, file=io.StringIO())
        console.print(self.table())
        return console.export_text()


@functools.cache
def load_questions(path: Path = QUESTIONS) -> tuple[EvalQuestion, ...]:
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    questions = tuple(EvalQuestion.model_validate(entry) for entry in raw["questions"])
    known = {item.id for item in load_knowledge()}
    if unknown := sorted({i for q in questions if q.item for i in q.item.split("|") if i not in known}):
        raise ValueError(f"{path}: questions name unknown items {', '.join(unknown)}")
    return questions


async def evaluate(profile: Profile, questions: Sequence[EvalQuestion] | None = None, *,
                   hear: Callable[[str, Lang], Any] | None = None, mode: str = "text") -> EvalReport:
    """Ask every question; `hear` (spoken evaluation) turns each typed turn into what STT heard."""
    results = [await ask(profile, question, hear=hear) for question in questions or load_questions()]
    return EvalReport(questions=results, mode=mode)


async def ask(profile: Profile, question: EvalQuestion, *, hear: Callable[[str, Lang], Any] | None = None
              ) -> QuestionResult:
    history: tuple[Turn, ...] = ()
    language = question.lang if hear else None  # a spoken session declares its language, as a call would
    for earlier in question.before:
        said = await hear(earlier, question.lang) if hear else earlier
        history = (await converse(profile.agent, profile.tools, history, said, language=language)).history
    heard = await hear(question.ask, question.lang) if hear else None
    started = time.perf_counter()
    exchange = await converse(profile.agent, profile.tools, history, heard if heard is not None else question.ask,
                              language=language)
    return score(question, exchange, heard).model_copy(update={"ms": (time.perf_counter() - started) * 1000})


def score(question: EvalQuestion, exchange: Exchange, heard: str | None = None) -> QuestionResult:
    reply = exchange.reply
    found, missing = check_facts(reply, question.facts)
    items = _items(exchange)
    predicted = _category(exchange)
    expected_route = question.tool or question.expect
    route = _route(exchange, question)
    problems = [f"fact missing: {fact}" for fact in missing]
    if question.item is not None and not set(question.item.split("|")) & set(items):
        problems.append(f"item {question.item} not found (got {', '.join(items) or 'none'})")
    if (question.item is not None or question.named) and not _names(reply, question):
        problems.append("reply does not name the item")
    if question.starts is not None and not reply.lstrip().startswith(question.starts):
        problems.append(f"does not start with {question.starts}")
    category_correct = None if question.category is None else predicted == question.category
    if category_correct is False:
        problems.append(f"category {predicted}, expected {question.category}")
    route_correct = None if expected_route is None else route == expected_route
    if route_correct is False:
        problems.append(f"route {route}, expected {expected_route}")
    return QuestionResult(
        id=question.id, lang=question.lang, style=question.style, group=question.group, batch=question.batch,
        ask=question.ask,
        heard=heard, before=question.before, reply=reply, expected_item=question.item, items=items,
        expected_category=question.category, predicted_category=predicted, category_correct=category_correct,
        expected_route=expected_route, route=route, route_correct=route_correct, facts_found=found,
        facts_missing=missing, problems=problems)


def check_facts(reply: str, facts: Sequence[str]) -> tuple[list[str], list[str]]:
    spoken = compact(reply)
    found = [fact for fact in facts if any(compact(option) in spoken for option in fact.split("|"))]
    return found, [fact for fact in facts if fact not in found]


def run_evaluation(pool: InferencePool | None = None) -> EvalReport:
    """Evaluate the eco profile on the bundled question set (blocking; loads the models)."""
    from talkline.profiles.eco import create_eco_profile, warm_up

    async def run() -> EvalReport:
        await warm_up(pool)
        return await evaluate(create_eco_profile(pool))

    return asyncio.run(run())


def _names(reply: str, question: EvalQuestion) -> bool:
    """Whether the reply names the item: one of its names (English compared by word stems, so
    "milk carton" names "milk cartons"), or one of the question's `named` words."""
    kb = load_knowledge()
    words = [word for entry in question.named for word in entry.split("|")] if question.named else \
        [name for item in (question.item or "").split("|") if item for name in kb.item(item).names()]
    spoken = compact(letter_text(reply))
    return any(compact(letter_text(word)) in spoken for word in words)


def _items(exchange: Exchange) -> list[str]:
    found = []
    for result in exchange.results:
        if result.ok and result.name in (DISPOSAL, BULK):
            item = (result.value.get("item") or {}).get("id")
            if item and item not in found:
                found.append(item)
    return found


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


def _share(flags: Sequence[bool | None]) -> float:
    return sum(1 for flag in flags if flag) / len(flags) if flags else 0.0
