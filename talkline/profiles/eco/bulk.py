"""Bulky-waste (대형폐기물) fees by item and size, from the operator's fee file, and how to book a pick-up.

The file has the columns of the public data portal's 전국대형폐기물정보표준데이터 (see
docs/eco-data.md). Each row is matched to a knowledge-base item through its 대형폐기물명, so every
colloquial or English name of the item finds its fees (쇼파, couch → 소파). A question that does not
say the size gets every size: "소파 버리려면 얼마예요?" has no single answer.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from talkline.profiles.eco.knowledge import Lang, Text, Texts
from talkline.profiles.eco.names import NameMatcher, shared_matcher
from talkline.profiles.eco.operator import EcoDataError, Source, number, read_table, required_text, source_for
from talkline.profiles.eco.places import Gazetteer
from talkline.profiles.eco.text import best_match, compact

COLUMNS = ("시도명", "시군구명", "대형폐기물명", "대형폐기물구분명", "대형폐기물규격", "유무료여부", "수수료", "관리기관명",
           "데이터기준일자")
FREE = frozenset({"무료", "free", "n"})
SEATS = re.compile(r"(\w+) seats?\b")
NUMBERS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6"}
BOOKING = Texts(
    ko=("구청 홈페이지나 대형폐기물 앱에서 신고하고 수수료를 내거나, 주민센터에서 스티커를 사서 붙이면 돼요.",
        "신고번호를 적거나 스티커를 물건에 잘 보이게 붙여요.",
        "정해진 날짜에 집 앞이나 지정된 장소에 내놓으면 수거해 가요."),
    en=("Report the item on the district website or a bulky-waste app and pay the fee, or buy a sticker at the "
        "community centre.", "Write the report number on the item or attach the sticker where it can be seen.",
        "Put it out at the agreed place on the agreed day and it is collected."))
FREE_PICKUP = Text(ko="냉장고, 세탁기, TV 같은 가전은 폐가전 무상 방문수거(1599-0903)로 무료로 버릴 수 있어요.",
                   en="Appliances such as fridges, washing machines and TVs are picked up free: call 1599-0903.")


@dataclass(frozen=True, slots=True)
class Fee:
    name: str  # 대형폐기물명
    name_en: str | None
    size: str  # 대형폐기물규격
    size_en: str | None
    won: int
    free: bool
    district: str  # 시군구명
    agency: str  # 관리기관명
    as_of: str  # 데이터기준일자
    item: str | None  # the knowledge-base item the name stands for

    def label(self, lang: Lang) -> str:
        return (self.name_en or self.name) if lang == "en" else self.name

    def size_label(self, lang: Lang) -> str:
        return (self.size_en or self.size) if lang == "en" else self.size


class FeeTable:
    def __init__(self, source: Source, fees: list[Fee], matcher: NameMatcher) -> None:
        self.source = source
        self.fees = fees
        self._matcher = matcher
        self._by_name = {compact(name): fee for fee in fees for name in filter(None, (fee.name, fee.name_en))}

    @property
    def sample(self) -> bool:
        return self.source.sample

    @property
    def as_of(self) -> str:
        return max(fee.as_of for fee in self.fees)

    def options(self, text: str, district: str | None = None) -> list[Fee]:
        """Every fee row for the thing `text` names (all its sizes), in `district` when it has rows there."""
        fees = self._for_item(text)
        if district:
            local = [fee for fee in fees if compact(district) in compact(fee.district)]
            fees = local or fees
        return fees

    def find(self, text: str) -> Fee | None:
        """The best single row for `text`: its named size when it says one, else the first size."""
        fees = self.options(text)
        return (named_size(text, fees) or fees or [None])[0]

    def _for_item(self, text: str) -> list[Fee]:
        items = [m.target for m in self._matcher.find(text) if m.kind == "item"]
        for item in items:
            if fees := [fee for fee in self.fees if fee.item == item]:
                said = [fee for fee in fees if compact(fee.name) in compact(text)]
                return [fee for fee in fees if fee.name == said[0].name] if said else fees
        match = best_match(text, self._by_name, cutoff=0.8)
        if match is None:
            return []
        chosen = self._by_name[compact(match[0])]
        return [fee for fee in self.fees if fee.name == chosen.name]


def named_size(text: str, fees: list[Fee]) -> list[Fee]:
    """The rows whose size the question states ("3인용 소파" → 3인용 이상; "single mattress" → 싱글)."""
    said = compact(text)
    return [fee for fee in fees if any(compact(word) in said for word in _size_words(fee) if len(compact(word)) > 1)]


def _size_words(fee: Fee) -> list[str]:
    words = [fee.size.split()[0]] if fee.size.split() else []
    if fee.size_en:
        words.append(fee.size_en.split(" or ")[0])
        if seats := SEATS.match(fee.size_en):  # "three seats or more": "a three-seater", "3-seater"
            count = seats.group(1)
            words += [f"{count}-seater", f"{count} seater", f"{NUMBERS.get(count, count)}-seater",
                      f"{NUMBERS.get(count, count)} seater"]
    return words


def load_fee_table(path: Path | None = None, matcher: NameMatcher | None = None) -> FeeTable:
    return _load(source_for("bulk_fees", path), matcher or shared_matcher())


@functools.cache
def _load(source: Source, matcher: NameMatcher) -> FeeTable:
    fees = []
    for row in read_table(source, COLUMNS):
        name = required_text(source, row, "대형폐기물명")
        free = row.text("유무료여부").lower() in FREE
        won = 0 if free and not row.text("수수료") else int(number(source, row, "수수료", minimum=0, maximum=10_000_000))
        items = [m.target for m in matcher.find(name) if m.kind == "item"]
        fees.append(Fee(name=name, name_en=row.text("대형폐기물명_영문") or None, size=row.text("대형폐기물규격"),
                        size_en=row.text("대형폐기물규격_영문") or None, won=won, free=free or won == 0,
                        district=required_text(source, row, "시군구명"), agency=row.text("관리기관명"),
                        as_of=required_text(source, row, "데이터기준일자"), item=items[0] if items else None))
    return FeeTable(source, fees, matcher)


def bulk_waste_info(table: FeeTable, places: Gazetteer, item: str, district: str | None, lang: Lang
                    ) -> dict[str, Any]:
    """The `get_bulk_waste_info` tool result: the fee of each size, the size asked about, booking steps."""
    place = places.resolve(district) if district else None
    home = (places.district_of(place) or place) if place else None
    options = table.options(item, home.name("ko") if home else None)
    chosen = named_size(item, options) or (options if len({fee.size for fee in options}) == 1 else [])
    result: dict[str, Any] = {
        "found": bool(options),
        "sample": table.sample,
        "source": {"file": table.source.name, "as_of": table.as_of, "sample": table.sample},
        "district": home.name(lang) if home else None,
        "district_recognised": district is None or home is not None,
        "booking": list(BOOKING.get(lang)),
        "free_pickup_for_appliances": FREE_PICKUP.get(lang),
    }
    if not options:
        names = sorted({fee.label(lang) for fee in table.fees})
        return result | {"known_items": names, "summary": f"'{item}' 수수료 없음" if lang == "ko" else f"no fee for '{item}'"}
    first = options[0]
    sizes = [{"size": fee.size_label(lang), "fee_won": fee.won, "free": fee.free} for fee in options]
    result |= {
        "item": {"name": first.label(lang), "id": first.item},
        "sizes": sizes,
        "size_known": bool(chosen),
        "fee_won": chosen[0].won if chosen else None,
        "size": chosen[0].size_label(lang) if chosen else None,
        "data_district": first.district,
        "summary": _summary(first.label(lang), chosen[0] if chosen else None, options, lang),
    }
    return result


def _summary(name: str, chosen: Fee | None, options: list[Fee], lang: Lang) -> str:
    fees = [chosen] if chosen else options
    listed = ", ".join(f"{fee.size_label(lang)} {fee.won:,}" for fee in fees)
    return f"{name}: {listed} {'원' if lang == 'ko' else 'won'}"


__all__ = ["EcoDataError", "Fee", "FeeTable", "bulk_waste_info", "load_fee_table", "named_size"]
