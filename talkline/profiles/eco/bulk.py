"""Bulky-waste (대형폐기물) fees by item and how to book a pick-up, from a sample fee table."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from talkline.profiles.eco.knowledge import DATA_DIR, Lang, Text, Texts
from talkline.profiles.eco.places import Gazetteer
from talkline.profiles.eco.text import best_match, compact


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Fee(_Frozen):
    id: str
    item: str  # entries with the same item are sizes of one thing
    size: Text
    won: int
    ko: tuple[str, ...]
    en: tuple[str, ...]

    def names(self) -> tuple[str, ...]:
        return self.ko + self.en


class FeeTable(_Frozen):
    sample: bool
    as_of: str
    currency: str
    notice: Text
    booking: Texts
    free_pickup: Text
    fees: tuple[Fee, ...]

    def find(self, text: str) -> Fee | None:
        """The fee entry whose name `text` contains (longest wins) or most resembles."""
        names = {compact(name): fee for fee in self.fees for name in fee.names()}
        match = best_match(text, names, cutoff=0.8)
        return names[compact(match[0])] if match else None

    def sizes_of(self, fee: Fee) -> list[Fee]:
        return [other for other in self.fees if other.item == fee.item]


@functools.cache
def load_fee_table(path: Path = DATA_DIR / "bulk_fees.yaml") -> FeeTable:
    with path.open(encoding="utf-8") as handle:
        return FeeTable.model_validate(yaml.safe_load(handle))


def bulk_waste_info(table: FeeTable, places: Gazetteer, item: str, district: str | None, lang: Lang
                    ) -> dict[str, Any]:
    """The `get_bulk_waste_info` tool result: typical fee, other sizes, booking steps."""
    fee = table.find(item)
    place = places.resolve(district) if district else None
    home = (places.district_of(place) or place) if place else None
    result: dict[str, Any] = {
        "found": fee is not None,
        "sample": table.sample,
        "notice": table.notice.get(lang),
        "district": home.name(lang) if home else None,
        "district_recognised": district is None or home is not None,
        "booking": list(table.booking.get(lang)),
        "free_pickup_for_appliances": table.free_pickup.get(lang),
        "currency": table.currency,
    }
    if fee is None:
        result["summary"] = _summary_unknown(item, lang)
        result["known_items"] = sorted({fee.ko[0] if lang == "ko" else fee.en[0] for fee in table.fees})
        return result
    name = fee.ko[0] if lang == "ko" else fee.en[0]
    result |= {
        "item": {"id": fee.id, "name": name, "size": fee.size.get(lang)},
        "fee_won": fee.won,
        "sizes": [{"size": other.size.get(lang), "fee_won": other.won} for other in table.sizes_of(fee)],
        "summary": _summary(name, fee, lang),
    }
    return result


def _summary(name: str, fee: Fee, lang: Lang) -> str:
    if lang == "ko":
        return f"{name} ({fee.size.ko}) 대형폐기물 수수료 약 {fee.won:,}원 (구마다 다름)"
    return f"{name} ({fee.size.en}): bulky-waste fee about {fee.won:,} won (varies by district)"


def _summary_unknown(item: str, lang: Lang) -> str:
    if lang == "ko":
        return f"'{item}'의 수수료는 예시표에 없음: 구청에 확인"
    return f"no sample fee for '{item}': ask the district office"
