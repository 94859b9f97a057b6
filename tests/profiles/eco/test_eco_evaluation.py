"""The labelled evaluation set and `run_evaluation`'s report."""

from __future__ import annotations

import json
from collections import Counter

from talkline.profiles.base import Profile
from talkline.profiles.eco.evaluate import EvalReport, check_facts, evaluate, load_questions


def test_the_question_set_is_big_bilingual_and_varied() -> None:
    questions = load_questions()
    assert len(questions) >= 60
    languages = Counter(q.lang for q in questions)
    assert languages["ko"] >= 30 and languages["en"] >= 20
    assert {q.style for q in questions} == {"typed", "colloquial", "asr"}
    assert len({q.id for q in questions}) == len(questions)
    assert all(q.facts for q in questions)
    assert {q.category for q in questions if q.category} >= {"general", "food", "hazardous", "bulk", "glass"}


def test_facts_allow_alternatives_and_ignore_spacing() -> None:
    found, missing = check_facts("캔·고철류로 분리배출하세요. 물로 헹궈 주세요.", ("캔 고철류", "헹구|헹궈", "라벨"))
    assert found == ["캔 고철류", "헹구|헹궈"] and missing == ["라벨"]


async def test_the_agent_meets_the_targets_on_the_evaluation_set(eco_profile: Profile) -> None:
    report = await evaluate(eco_profile)
    scores = report.scores()
    assert scores["questions"] == len(load_questions())
    assert report.retrieval_accuracy >= 0.9
    assert report.fact_coverage >= 0.9
    assert report.routing_accuracy >= 0.9
    payload = json.loads(report.to_json())
    assert payload["scores"] == scores
    first = payload["questions"][0]
    assert {"id", "ask", "reply", "expected_category", "predicted_category", "facts_missing", "coverage"} <= set(first)
    assert "retrieval top-1 accuracy" in report.text()
    assert EvalReport.model_validate_json(report.model_dump_json()).scores() == scores
