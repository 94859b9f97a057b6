"""Weather for "can I put the rubbish out today?": a provider interface and two providers.

Offline (the default) the provider says plainly that weather is unavailable. `OpenWeatherMap`
is used only when `TALKLINE_OPENWEATHER_API_KEY` is set. The key travels as a query parameter
(that API has no header auth), so it is redacted from httpx's request log lines.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import httpx
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from talkline.profiles.eco.knowledge import Lang
from talkline.profiles.eco.places import Gazetteer

log = logging.getLogger(__name__)

OPENWEATHER_URL = "https://api.openweathermap.org/data/2.5/weather"


class WeatherProvider(Protocol):
    name: str

    async def current(self, location: str, lang: Lang) -> dict[str, Any]:
        """JSON-ready current weather, or `{"available": False, "message": ...}`; never raises."""
        ...


class WeatherSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TALKLINE_", env_file=".env", extra="ignore")

    openweather_api_key: SecretStr | None = None
    openweather_url: str = OPENWEATHER_URL


def unavailable(location: str, lang: Lang, reason: str) -> dict[str, Any]:
    message = ("지금은 날씨 정보를 가져올 수 없어요. 날씨 서비스가 연결되어 있지 않아요." if lang == "ko"
               else "Weather information isn't available right now: no weather service is connected.")
    return {"available": False, "location": location, "reason": reason, "message": message,
            "summary": "날씨 정보 없음" if lang == "ko" else "weather unavailable"}


class OfflineWeather:
    name = "offline"

    async def current(self, location: str, lang: Lang) -> dict[str, Any]:
        return unavailable(location, lang, "offline")


class OpenWeatherMap:
    """OpenWeather's current-weather endpoint, by coordinates when the gazetteer knows the place."""

    name = "openweathermap"

    def __init__(self, api_key: SecretStr, places: Gazetteer, *, url: str = OPENWEATHER_URL,
                 timeout_s: float = 5.0) -> None:
        self._key = api_key
        self._places = places
        self._url = url
        self._timeout_s = timeout_s
        _redact_in_http_logs(api_key.get_secret_value())

    async def current(self, location: str, lang: Lang) -> dict[str, Any]:
        place = self._places.resolve(location)
        where: dict[str, Any] = {"lat": place.lat, "lon": place.lon} if place else {"q": location}
        params = where | {"appid": self._key.get_secret_value(), "units": "metric", "lang": "kr" if lang == "ko" else "en"}
        try:
            async with httpx.AsyncClient(timeout=self._timeout_s) as client:
                response = await client.get(self._url, params=params)
                response.raise_for_status()
                body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("weather lookup failed: %s", exc.__class__.__name__)
            return unavailable(location, lang, "service_error")
        return _reading(place.name(lang) if place else location, body, lang)


def _reading(location: str, body: dict[str, Any], lang: Lang) -> dict[str, Any]:
    description = (body.get("weather") or [{}])[0].get("description", "")
    main = body.get("main", {})
    temperature = main.get("temp")
    wet = "rain" in body or "snow" in body
    summary = f"{location}: {description}, {temperature}°C"
    return {"available": True, "location": location, "description": description, "temperature_c": temperature,
            "feels_like_c": main.get("feels_like"), "humidity_percent": main.get("humidity"),
            "precipitation": wet, "summary": summary}


def weather_provider(places: Gazetteer, settings: WeatherSettings | None = None) -> WeatherProvider:
    """The network provider when a key is configured, else the offline one."""
    settings = settings or WeatherSettings()
    if settings.openweather_api_key is None or not settings.openweather_api_key.get_secret_value():
        return OfflineWeather()
    return OpenWeatherMap(settings.openweather_api_key, places, url=settings.openweather_url)


class _RedactSecret(logging.Filter):
    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, "***"), None
        return True


def _redact_in_http_logs(secret: str) -> None:
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, _RedactSecret) and f.secret == secret for f in logger.filters):
        logger.addFilter(_RedactSecret(secret))
