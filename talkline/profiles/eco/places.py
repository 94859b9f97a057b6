"""A small gazetteer (Seoul's districts, landmarks, other cities) and great-circle distances."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from talkline.profiles.eco.knowledge import DATA_DIR, Lang
from talkline.profiles.eco.text import best_match, compact, find_phrase

EARTH_RADIUS_KM = 6371.0088
PlaceKind = Literal["district", "landmark", "city"]


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    kind: PlaceKind
    ko: tuple[str, ...]
    en: tuple[str, ...]
    lat: float
    lon: float
    district: str | None  # Seoul district id for districts and landmarks
    price_region: str  # region of the recyclable-price survey

    def name(self, lang: Lang) -> str:
        return self.ko[0] if lang == "ko" else self.en[0]

    def names(self) -> tuple[str, ...]:
        return self.ko + self.en


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a spherical Earth (error under 0.5 %, plenty for "about 2 km")."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


class Gazetteer:
    def __init__(self, places: list[Place]) -> None:
        self.places = places
        self._by_id = {place.id: place for place in places}
        self._by_name = {compact(name): place for place in places for name in place.names()}

    def get(self, place_id: str) -> Place:
        return self._by_id[place_id]

    def resolve(self, text: str) -> Place | None:
        """The place `text` names: exact, contained ("강남구에서"), or sound-alike ("마포고")."""
        key = compact(text)
        if not key:
            return None
        if key in self._by_name:
            return self._by_name[key]
        match = best_match(text, self._by_name, cutoff=0.75)
        return self._by_name[compact(match[0])] if match else None

    def mentioned(self, text: str) -> Place | None:
        """The longest place name contained in free text, or None (no guessing here: 소파 ≠ 송파)."""
        found = [(len(name), place) for place in self.places for name in place.names()
                 if len(name) > 1 and find_phrase(text, name)]
        return max(found, key=lambda pair: pair[0])[1] if found else None

    def district_of(self, place: Place) -> Place | None:
        return self._by_id.get(place.district) if place.district else None


@functools.cache
def load_gazetteer(path: Path = DATA_DIR / "places.yaml") -> Gazetteer:
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    places = [_place(entry, "district", district=entry["id"], region="capital") for entry in raw["districts"]]
    places += [_place(entry, "landmark", district=entry["district"], region="capital") for entry in raw["landmarks"]]
    places += [_place(entry, "city", district=None, region=entry["price_region"]) for entry in raw["cities"]]
    return Gazetteer(places)


def _place(entry: dict, kind: PlaceKind, *, district: str | None, region: str) -> Place:
    return Place(id=entry["id"], kind=kind, ko=tuple(entry["ko"]), en=tuple(entry["en"]), lat=float(entry["lat"]),
                 lon=float(entry["lon"]), district=district, price_region=region)
