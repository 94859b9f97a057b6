"""The waste-disposal knowledge base: categories, items, follow-up details and ambiguous words.

Loaded from `data/waste_rules.yaml` (our own schema; see the comment at its top) and validated
with pydantic, so a mistake in the data fails loudly at load time rather than mid-conversation.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

Lang = Literal["ko", "en"]
Group = Literal["recyclable", "general", "food", "hazardous", "bulk", "non_combustible", "construction"]

DATA_DIR = Path(__file__).parent / "data"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Frozen):
    """One phrase in both languages."""

    ko: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.ko if lang == "ko" else self.en


class Texts(_Frozen):
    """Several phrases in both languages (names, synonyms, steps)."""

    ko: tuple[str, ...]
    en: tuple[str, ...]

    def get(self, lang: Lang) -> tuple[str, ...]:
        return self.ko if lang == "ko" else self.en

    def all(self) -> tuple[str, ...]:
        return self.ko + self.en


class Detail(Text):
    """The answer about a part or a condition of an item; `in` when that condition changes the bin."""

    category: str | None = Field(default=None, alias="in")


class Category(_Frozen):
    id: str
    group: Group
    name: Text
    short: Text
    kind: Text  # what a thing of this category *is*, for "네, 귤 껍질은 음식물쓰레기예요"
    aliases: Texts
    action: Text  # one spoken sentence with an `{item|particle}` slot
    steps: Texts
    details: dict[str, Detail] = Field(default_factory=dict)  # defaults for every item of the category


class Item(_Frozen):
    id: str
    category: str = Field(alias="in")
    ko: tuple[str, ...]
    en: tuple[str, ...]
    lead: Text | None = None  # the first sentence instead of the category's action: both branches, or the real place
    mostly: bool | None = None  # set when `lead` gives two branches: whether the item's own bin is the usual one
    drain_ok: bool = False  # what may go down the sink once strained (broth); everything else may not
    say: Text | None = None
    not_in: str | None = None
    why: Text | None = None
    details: dict[str, Detail] = Field(default_factory=dict)

    def name(self, lang: Lang) -> str:
        return self.ko[0] if lang == "ko" else self.en[0]

    def names(self) -> tuple[str, ...]:
        return self.ko + self.en


class Clarification(_Frozen):
    terms: Texts
    options: tuple[str, ...]
    ask: Text


class KnowledgeBase(_Frozen):
    source: Text
    written: str
    categories: tuple[Category, ...]
    detail_terms: dict[str, Texts]
    clarify: tuple[Clarification, ...]
    items: tuple[Item, ...]

    @model_validator(mode="after")
    def _references_exist(self) -> KnowledgeBase:
        categories = {category.id for category in self.categories}
        items = {item.id for item in self.items}
        if len(items) != len(self.items):
            raise ValueError("item ids must be unique")
        for owner, details in [(f"category {c.id}", c.details) for c in self.categories] + \
                [(f"item {item.id}", item.details) for item in self.items]:
            if unknown := set(details) - set(self.detail_terms):
                raise ValueError(f"{owner}: unknown detail {sorted(unknown)}")
            for detail in details.values():
                if detail.category is not None and detail.category not in categories:
                    raise ValueError(f"{owner}: unknown category {detail.category!r}")
        for item in self.items:
            for ref in (item.category, item.not_in):
                if ref is not None and ref not in categories:
                    raise ValueError(f"item {item.id}: unknown category {ref!r}")
        for clarification in self.clarify:
            if unknown := set(clarification.options) - items:
                raise ValueError(f"clarification {clarification.terms.ko}: unknown items {sorted(unknown)}")
        return self

    @functools.cached_property
    def _categories(self) -> dict[str, Category]:
        return {category.id: category for category in self.categories}

    @functools.cached_property
    def _items(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    def category(self, category_id: str) -> Category:
        return self._categories[category_id]

    def item(self, item_id: str) -> Item:
        return self._items[item_id]

    def category_of(self, item: Item) -> Category:
        return self._categories[item.category]

    def detail(self, item: Item, kind: str) -> Detail | None:
        """The item's own answer about `kind`, else its category's default."""
        return item.details.get(kind) or self.category_of(item).details.get(kind)

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items)


@functools.cache
def load_knowledge(path: Path = DATA_DIR / "waste_rules.yaml") -> KnowledgeBase:
    with path.open(encoding="utf-8") as handle:
        return KnowledgeBase.model_validate(yaml.safe_load(handle))
