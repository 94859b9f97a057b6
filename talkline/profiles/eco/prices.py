"""What recyclers pay per kilogram, by material and region, from a dated sample survey table."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from talkline.profiles.eco.knowledge import DATA_DIR, Lang, Text
from talkline.profiles.eco.places import Gazetteer
from talkline.profiles.eco.text import best_match, compact


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Region(_Frozen):
    id: str
    ko: str
    en: str

    def name(self, lang: Lang) -> str:
        return self.ko if lang == "ko" else self.en


class Material(_Frozen):
    id: str
    ko: tuple[str, ...]
    en: tuple[str, ...]
    won_per_kg: tuple[int, ...]  # one price per region, in the table's region order

    def name(self, lang: Lang) -> str:
        return self.ko[0] if lang == "ko" else self.en[0]


class PriceTable(_Frozen):
    sample: bool
    as_of: str
    unit: str
    source: Text
    regions: tuple[Region, ...]
    materials: tuple[Material, ...]

    @model_validator(mode="after")
    def _one_price_per_region(self) -> PriceTable:
        for material in self.materials:
            if len(material.won_per_kg) != len(self.regions):
                raise ValueError(f"material {material.id}: {len(material.won_per_kg)} prices for "
                                 f"{len(self.regions)} regions")
        return self

    def material(self, text: str) -> Material | None:
        names = {compact(name): material for material in self.materials for name in material.ko + material.en}
        match = best_match(text, names, cutoff=0.8)
        return names[compact(match[0])] if match else None

    def region(self, region_id: str) -> Region:
        return next(region for region in self.regions if region.id == region_id)

    def price(self, material: Material, region: Region) -> int:
        return material.won_per_kg[self.regions.index(region)]

    def find_region(self, text: str, places: Gazetteer) -> Region | None:
        """A survey region named directly (수도권, 강원) or through a place in it (부산, 마포구)."""
        names = {compact(name): region for region in self.regions for name in (region.ko, region.en)}
        if match := best_match(text, names, cutoff=0.85):
            return names[compact(match[0])]
        place = places.resolve(text)
        return self.region(place.price_region) if place else None


@functools.cache
def load_prices(path: Path = DATA_DIR / "recyclable_prices.yaml") -> PriceTable:
    with path.open(encoding="utf-8") as handle:
        return PriceTable.model_validate(yaml.safe_load(handle))


def recyclable_price(table: PriceTable, places: Gazetteer, material: str, region: str | None, lang: Lang
                     ) -> dict[str, Any]:
    """The `get_recyclable_price` tool result."""
    found = table.material(material)
    national = table.region("national")
    chosen = table.find_region(region, places) if region else None
    area = chosen or national
    base: dict[str, Any] = {"sample": table.sample, "as_of": table.as_of, "unit": table.unit,
                            "source": table.source.get(lang), "region": {"id": area.id, "name": area.name(lang)},
                            "region_recognised": region is None or chosen is not None}
    if found is None:
        return base | {"found": False, "material": material,
                       "known_materials": [m.name(lang) for m in table.materials],
                       "summary": f"'{material}' 시세 없음" if lang == "ko" else f"no price for '{material}'"}
    price = table.price(found, area)
    return base | {
        "found": True,
        "material": {"id": found.id, "name": found.name(lang)},
        "won_per_kg": price,
        "national_won_per_kg": table.price(found, national),
        "summary": (f"{found.name(lang)} {area.name(lang)} kg당 약 {price:,}원 ({table.as_of})" if lang == "ko"
                    else f"{found.name(lang)}, {area.name(lang)}: about {price:,} won/kg ({table.as_of})"),
    }
