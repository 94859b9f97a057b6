"""Recycling centres and drop-off boxes near a place, from the operator's centre file (docs/eco-data.md)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from talkline.profiles.eco.knowledge import Lang, Text
from talkline.profiles.eco.operator import EcoDataError, Source, number, read_table, required_text, source_for
from talkline.profiles.eco.places import Gazetteer, Place, haversine_km
from talkline.profiles.eco.text import compact

CenterType = Literal["reuse_center", "clothing", "battery", "lamp", "small_electronics", "medicine"]
CENTER_TYPES: tuple[str, ...] = get_args(CenterType)
TYPE_NAMES: dict[str, Text] = {
    "reuse_center": Text(ko="재활용센터", en="reuse centre"),
    "clothing": Text(ko="의류수거함", en="clothing bin"),
    "battery": Text(ko="폐건전지 수거함", en="battery box"),
    "lamp": Text(ko="폐형광등 수거함", en="lamp box"),
    "small_electronics": Text(ko="소형 폐가전 수거함", en="small e-waste box"),
    "medicine": Text(ko="폐의약품 수거함", en="medicine box"),
}
NEARBY_KM = 30.0  # beyond this the sample data has nothing useful "near" the user
RESULTS = 3


COLUMNS = ("시설명", "시설구분", "시도명", "시군구명", "소재지도로명주소", "위도", "경도", "데이터기준일자")
KIND_NAMES = {"재활용센터": "reuse_center", "재사용센터": "reuse_center", "의류수거함": "clothing",
              "폐건전지수거함": "battery", "폐형광등수거함": "lamp", "소형폐가전수거함": "small_electronics",
              "폐휴대폰수거함": "small_electronics", "폐의약품수거함": "medicine"}


@dataclass(frozen=True, slots=True)
class Center:
    name: Text
    district: str  # 시군구명 as written in the file
    address: str
    phone: str | None
    lat: float
    lon: float
    accepts: tuple[CenterType, ...]
    as_of: str


class CenterDirectory:
    def __init__(self, source: Source, centers: list[Center]) -> None:
        self.source = source
        self.centers = centers

    @property
    def sample(self) -> bool:
        return self.source.sample

    def nearest(self, place: Place, kind: CenterType | None, limit: int = RESULTS) -> list[tuple[Center, float]]:
        fitting = [center for center in self.centers if kind is None or kind in center.accepts]
        ranked = sorted(((center, haversine_km(place.lat, place.lon, center.lat, center.lon)) for center in fitting),
                        key=lambda pair: pair[1])
        return ranked[:limit]


def load_centers(path: Path | None = None) -> CenterDirectory:
    return _load(source_for("centers", path))


@functools.cache
def _load(source: Source) -> CenterDirectory:
    centers = []
    for row in read_table(source, COLUMNS):
        kinds = []
        for word in re.split(r"[|,·/]", required_text(source, row, "시설구분")):
            kind = KIND_NAMES.get(compact(word))
            if kind is None:
                raise EcoDataError(f"{source.path} line {row.line}: 시설구분 {word.strip()!r} is not one of "
                                   f"{', '.join(KIND_NAMES)}")
            kinds.append(kind)
        name = required_text(source, row, "시설명")
        centers.append(Center(
            name=Text(ko=name, en=row.text("시설명_영문") or name), district=required_text(source, row, "시군구명"),
            address=row.text("소재지도로명주소"), phone=row.text("전화번호") or None,
            lat=number(source, row, "위도", minimum=33.0, maximum=39.0),
            lon=number(source, row, "경도", minimum=124.0, maximum=132.0),
            accepts=tuple(dict.fromkeys(kinds)), as_of=required_text(source, row, "데이터기준일자")))
    return CenterDirectory(source, centers)


def recycling_centers(directory: CenterDirectory, places: Gazetteer, location: str, kind: CenterType | None,
                      lang: Lang) -> dict[str, Any]:
    """The `search_recycling_center` tool result: the nearest sample centres with distances."""
    place = places.resolve(location)
    base: dict[str, Any] = {"sample": directory.sample,
                            "source": {"file": directory.source.name, "sample": directory.sample},
                            "type": kind, "type_name": TYPE_NAMES[kind].get(lang) if kind else None}
    if place is None:
        examples = [p.name(lang) for p in places.places if p.kind == "district"][:5]
        return base | {"found": False, "location": location, "examples": examples,
                       "summary": _unknown_place(location, lang)}
    nearest = [(center, km) for center, km in directory.nearest(place, kind) if km <= NEARBY_KM]
    centers = [_center(center, km, places, lang) for center, km in nearest]
    return base | {
        "found": bool(centers),
        "location": {"name": place.name(lang), "lat": place.lat, "lon": place.lon},
        "centers": centers,
        "summary": _summary(place, centers, lang),
    }


def _center(center: Center, km: float, places: Gazetteer, lang: Lang) -> dict[str, Any]:
    district = places.resolve(center.district)
    return {"name": center.name.get(lang), "address": center.address, "phone": center.phone,
            "district": district.name(lang) if district else center.district, "distance_km": round(km, 1),
            "lat": center.lat, "lon": center.lon, "as_of": center.as_of,
            "accepts": [TYPE_NAMES[kind].get(lang) for kind in center.accepts]}


def _summary(place: Place, centers: list[dict[str, Any]], lang: Lang) -> str:
    if not centers:
        return (f"{place.name('ko')} 근처 {NEARBY_KM:g}km 안에 예시 데이터의 수거처가 없음" if lang == "ko"
                else f"no sample drop-off point within {NEARBY_KM:g} km of {place.name('en')}")
    first = centers[0]
    return f"{first['name']} · {first['distance_km']} km"


def _unknown_place(location: str, lang: Lang) -> str:
    return f"'{location}' 위치를 찾지 못함" if lang == "ko" else f"unknown location '{location}'"
