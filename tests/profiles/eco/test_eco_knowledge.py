"""The knowledge base and the sample tables: complete, bilingual, ours, and validated on load."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from talkline.profiles.eco.bulk import load_fee_table
from talkline.profiles.eco.centers import CENTER_TYPES, load_centers
from talkline.profiles.eco.knowledge import DATA_DIR, load_knowledge
from talkline.profiles.eco.places import load_gazetteer
from talkline.profiles.eco.prices import load_prices

# the categories of the Ministry of Environment's guidelines: 6 disposal routes and 12 recyclables
REQUIRED_CATEGORIES = {
    "general", "food", "hazardous", "bulk", "non_combustible", "construction",
    "paper", "paper_pack", "clear_pet", "plastic", "vinyl", "styrofoam", "glass", "metal", "clothing",
    "battery", "lamp", "electronics",
}
# key names of the reference rule files, which must not be copied into our data
REFERENCE_KEYS = ("대상_품목", "세부_품목", "배출방법_공통", "배출방법_세부", "배출불가_품목_안내", "아이콘_절차",
                  "item_class_list", "situation_tags", "search_synonyms")


def test_every_guideline_category_is_covered_with_items() -> None:
    kb = load_knowledge()
    assert {category.id for category in kb.categories} >= REQUIRED_CATEGORIES
    for category_id in REQUIRED_CATEGORIES:
        assert any(item.category == category_id for item in kb), category_id


def test_texts_exist_in_korean_and_english() -> None:
    kb = load_knowledge()
    for category in kb.categories:
        assert category.action.ko and category.action.en and "{item" in category.action.ko
        assert category.steps.ko and len(category.steps.ko) == len(category.steps.en), category.id
    for item in kb:
        assert item.ko and item.en, item.id
        if item.say:
            assert item.say.ko and item.say.en, item.id
        for detail in item.details.values():
            assert detail.ko and detail.en, item.id


def test_exceptions_name_the_category_people_expect_and_say_why() -> None:
    kb = load_knowledge()
    exceptions = {item.id: item for item in kb if item.not_in}
    assert {"receipt", "bones", "eggshell", "broken_glass", "rubber_gloves", "colored_pet"} <= set(exceptions)
    for item in exceptions.values():
        assert item.not_in != item.category and (item.why or item.say), item.id


def test_colloquial_names_and_synonyms_are_known() -> None:
    kb = load_knowledge()
    names = {name for item in kb for name in item.ko}
    assert {"페트병", "생수병", "스티로폼", "아이스박스", "건전지", "배터리", "뽁뽁이", "쇼파"} <= names


def test_source_is_recorded_and_our_schema_is_not_the_reference_one() -> None:
    kb = load_knowledge()
    assert "환경부" in kb.source.ko and "Ministry of Environment" in kb.source.en
    for path in DATA_DIR.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert not [key for key in REFERENCE_KEYS if key in text], path.name


def test_sample_tables_are_labelled_and_consistent() -> None:
    fees, centers, prices = load_fee_table(), load_centers(), load_prices()
    assert fees.sample and centers.sample and prices.sample
    assert prices.as_of == "2025-01" and prices.unit == "won/kg"
    places = load_gazetteer()
    for center in centers.centers:
        assert places.resolve(center.district).kind == "district"
        assert set(center.accepts) <= set(CENTER_TYPES)
        assert "(예시)" in center.name.ko and "(sample)" in center.name.en
    assert all(fee.won > 0 or fee.free for fee in fees.fees)
    assert all(fee.item is not None for fee in fees.fees), [fee.name for fee in fees.fees if fee.item is None]
    assert all("예시" in fee.agency and fee.district == "예시구" for fee in fees.fees)


def test_the_knowledge_base_covers_what_households_ask() -> None:
    kb = load_knowledge()
    assert len(kb.items) >= 250
    for item in kb:
        assert len(item.ko) >= 2 and item.en, item.id  # a display name and at least one colloquial name
    owners: dict[str, set[str]] = {}
    for item in kb:
        for name in item.names():
            owners.setdefault(name.replace(" ", "").lower(), set()).add(item.id)
    assert not {name: ids for name, ids in owners.items() if len(ids) > 1}, "a name may belong to one item only"
    conditions = {kind for item in kb for kind, detail in item.details.items() if detail.category}
    assert {"dirty", "large", "plastic_made", "coated"} <= conditions  # a condition that changes the bin
    assert {"tangerine_peel", "shells", "cooking_oil", "meat_fat", "egg_tray", "ecig_device", "potting_soil",
            "cup_noodle_lid", "umbrella", "pizza_box"} <= {item.id for item in kb}


def test_broken_data_fails_at_load_with_a_clear_error(tmp_path: Path) -> None:
    raw = yaml.safe_load((DATA_DIR / "waste_rules.yaml").read_text(encoding="utf-8"))
    raw["items"][0]["in"] = "no_such_category"
    broken = tmp_path / "rules.yaml"
    broken.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationError, match="unknown category 'no_such_category'"):
        load_knowledge(broken)
