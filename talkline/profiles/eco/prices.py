"""What recyclers pay per kilogram, by material and region, from the operator's dated price file.

The file gives 조사년월, 권역, 품목 and 단가 (won per kg), one row per material and region, as the
Korea Environment Corporation's monthly recyclable-resource price survey reports them (see
docs/eco-data.md). `materials.yaml` (ours) maps the words people use (캔, 박스, PET) to 품목.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from talkline.profiles.eco.knowledge import DATA_DIR, Lang
from talkline.profiles.eco.operator import EcoDataError, Source, number, read_table, required_text, source_for
from talkline.profiles.eco.places import Gazetteer
from talkline.profiles.eco.text import best_match, compact

COLUMNS = ("조사년월", "권역", "품목", "단가")


@dataclass(frozen=True, slots=True)
class Region:
    id: str
    ko: str
    en: str

    def name(self, lang: Lang) -> str:
        return self.ko if lang == "ko" else self.en


@dataclass(frozen=True, slots=True)
class Material:
    id: str
    ko: tuple[str, ...]
    en: tuple[str, ...]

    def name(self, lang: Lang) -> str:
        return self.ko[0] if lang == "ko" else self.en[0]


@dataclass
class PriceTable:
    source: Source
    as_of: str
    regions: tuple[Region, ...]
    materials: tuple[Material, ...]
    prices: dict[tuple[str, str], int] = field(default_factory=dict)  # (material id, region id) → won/kg
    unit: str = "won/kg"

    @property
    def sample(self) -> bool:
        return self.source.sample

    def material(self, text: str) -> Material | None:
        names = {compact(name): material for material in self.materials for name in material.ko + material.en}
        match = best_match(text, names, cutoff=0.8)
        return names[compact(match[0])] if match else None

    def region(self, region_id: str) -> Region:
        return next(region for region in self.regions if region.id == region_id)

    def price(self, material: Material, region: Region) -> int | None:
        return self.prices.get((material.id, region.id))

    def find_region(self, text: str, places: Gazetteer) -> Region | None:
        """A survey region named directly (수도권, 강원) or through a place in it (부산, 마포구)."""
        names = {compact(name): region for region in self.regions for name in (region.ko, region.en)}
        if match := best_match(text, names, cutoff=0.85):
            return names[compact(match[0])]
        place = places.resolve(text)
        return self.region(place.price_region) if place else None


def load_prices(path: Path | None = None) -> PriceTable:
    return _load(source_for("prices", path))


@functools.cache
def _load(source: Source) -> PriceTable:
    with (DATA_DIR / "materials.yaml").open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    regions = tuple(Region(**entry) for entry in raw["regions"])
    materials = [Material(entry["id"], tuple(entry["ko"]), tuple(entry["en"])) for entry in raw["materials"]]
    by_name = {compact(name): material for material in materials for name in material.ko}
    region_of = {compact(name): region for region in regions for name in (region.ko, region.en, region.id)}
    prices: dict[tuple[str, str], int] = {}
    months = set()
    for row in read_table(source, COLUMNS):
        region = region_of.get(compact(required_text(source, row, "권역")))
        if region is None:
            raise EcoDataError(f"{source.path} line {row.line}: 권역 {row.text('권역')!r} is not one of "
                               f"{', '.join(r.ko for r in regions)}")
        name = required_text(source, row, "품목")
        material = by_name.get(compact(name))
        if material is None:  # a 품목 we have no words for: known by its own name
            material = by_name[compact(name)] = Material(f"item_{len(materials)}", (name,), (name,))
            materials.append(material)
        prices[(material.id, region.id)] = int(number(source, row, "단가", minimum=0, maximum=1_000_000))
        months.add(required_text(source, row, "조사년월"))
    priced = tuple(material for material in materials if any(key[0] == material.id for key in prices))
    return PriceTable(source, max(months), regions, priced, prices)


def recyclable_price(table: PriceTable, places: Gazetteer, material: str, region: str | None, lang: Lang
                     ) -> dict[str, Any]:
    """The `get_recyclable_price` tool result."""
    found = table.material(material)
    national = table.region("national")
    chosen = table.find_region(region, places) if region else None
    area = chosen or national
    base: dict[str, Any] = {"sample": table.sample, "as_of": table.as_of, "unit": table.unit,
                            "source": {"file": table.source.name, "as_of": table.as_of, "sample": table.sample},
                            "region": {"id": area.id, "name": area.name(lang)},
                            "region_recognised": region is None or chosen is not None}
    if found is None:
        return base | {"found": False, "material": material,
                       "known_materials": [m.name(lang) for m in table.materials],
                       "summary": f"'{material}' 시세 없음" if lang == "ko" else f"no price for '{material}'"}
    price = table.price(found, area)
    if price is None:  # the file has no price for that region: fall back to the national one
        area, price = national, table.price(found, national)
        base["region"] = {"id": area.id, "name": area.name(lang)}
    return base | {
        "found": True,
        "material": {"id": found.id, "name": found.name(lang)},
        "won_per_kg": price,
        "national_won_per_kg": table.price(found, national),
        "summary": (f"{found.name(lang)} {area.name(lang)} kg당 약 {price:,}원 ({table.as_of})" if lang == "ko"
                    else f"{found.name(lang)}, {area.name(lang)}: about {price:,} won/kg ({table.as_of})"),
    }
