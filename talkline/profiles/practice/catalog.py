"""The bundled scenarios and personas, loaded once, and how request options select them."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

from pydantic import TypeAdapter

from talkline.profiles.practice.models import Common, Persona, Scenario

DEFAULT_SCENARIO = "mart"


class UnknownScenario(LookupError):
    def __init__(self, scenario_id: str) -> None:
        super().__init__(f"unknown practice scenario '{scenario_id}'; available: {', '.join(_scenarios())}")
        self.scenario_id = scenario_id


class UnknownPersona(LookupError):
    def __init__(self, persona_id: str) -> None:
        super().__init__(f"unknown practice persona '{persona_id}'; available: {', '.join(_personas())}")
        self.persona_id = persona_id


def _read(name: str) -> Any:
    return json.loads(files("talkline.profiles.practice").joinpath("data").joinpath(name).read_text(encoding="utf-8"))


@functools.cache
def _scenarios() -> dict[str, Scenario]:
    loaded = TypeAdapter(list[Scenario]).validate_python(_read("scenarios.json"))
    return {scenario.id: scenario for scenario in loaded}


@functools.cache
def _personas() -> dict[str, Persona]:
    loaded = TypeAdapter(list[Persona]).validate_python(_read("personas.json"))
    return {persona.id: persona for persona in loaded}


@functools.cache
def common() -> Common:
    return Common.model_validate(_read("common.json"))


def scenarios() -> list[Scenario]:
    return list(_scenarios().values())


def personas() -> list[Persona]:
    return list(_personas().values())


def scenario(scenario_id: str) -> Scenario:
    try:
        return _scenarios()[scenario_id]
    except KeyError:
        raise UnknownScenario(scenario_id) from None


def persona(persona_id: str) -> Persona:
    try:
        return _personas()[persona_id]
    except KeyError:
        raise UnknownPersona(persona_id) from None


def scenario_for(options: Mapping[str, Any]) -> Scenario:
    """The scenario named by `options["scenario"]`, or the default one."""
    return scenario(str(options.get("scenario") or DEFAULT_SCENARIO))


def persona_for(options: Mapping[str, Any]) -> Persona:
    """The persona named by `options["persona"]`, or the scenario's default persona."""
    return persona(str(options.get("persona") or scenario_for(options).default_persona))
