"""Recycling centres and drop-off boxes near a place, from a bundled sample data set."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict

from talkline.profiles.eco.knowledge import DATA_DIR, Lang, Text
from talkline.profiles.eco.places import Gazetteer, Place, haversine_km

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


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Center(_Frozen):
    id: str
    name: Text
    district: str
    address: Text
    lat: float
    lon: float
    accepts: tuple[CenterType, ...]


class CenterDirectory(_Frozen):
    sample: bool
    notice: Text
    centers: tuple[Center, ...]

    def nearest(self, place: Place, kind: CenterType | None, limit: int = RESULTS) -> list[tuple[Center, float]]:
        fitting = [center for center in self.centers if kind is None or kind in center.accepts]
        ranked = sorted(((center, haversine_km(place.lat, place.lon, center.lat, center.lon)) for center in fitting),
                        key=lambda pair: pair[1])
        return ranked[:limit]


@functools.cache
def load_centers(path: Path = DATA_DIR / "recycling_centers.yaml") -> CenterDirectory:
    with path.open(encoding="utf-8") as handle:
        return CenterDirectory.model_validate(yaml.safe_load(handle))


def recycling_centers(directory: CenterDirectory, places: Gazetteer, location: str, kind: CenterType | None,
                      lang: Lang) -> dict[str, Any]:
    """The `search_recycling_center` tool result: the nearest sample centres with distances."""
    place = places.resolve(location)
    base: dict[str, Any] = {"sample": directory.sample, "notice": directory.notice.get(lang),
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
    return {"id": center.id, "name": center.name.get(lang), "address": center.address.get(lang),
            "district": places.get(center.district).name(lang), "distance_km": round(km, 1),
            "lat": center.lat, "lon": center.lon,
            "accepts": [TYPE_NAMES[kind].get(lang) for kind in center.accepts]}


def _summary(place: Place, centers: list[dict[str, Any]], lang: Lang) -> str:
    if not centers:
        return (f"{place.name('ko')} 근처 {NEARBY_KM:g}km 안에 예시 데이터의 수거처가 없음" if lang == "ko"
                else f"no sample drop-off point within {NEARBY_KM:g} km of {place.name('en')}")
    first = centers[0]
    return f"{first['name']} · {first['distance_km']} km"


def _unknown_place(location: str, lang: Lang) -> str:
    return f"'{location}' 위치를 찾지 못함" if lang == "ko" else f"unknown location '{location}'"
