"""The bundled scenarios, personas and shared lines, loaded once, and how a call's options choose them:
the scenario, the persona, the role the persona plays, the recast mode and the language."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, get_args

import yaml
from pydantic import TypeAdapter

from talkline.profiles.practice.korean import fill
from talkline.profiles.practice.models import (
    Common,
    Language,
    Persona,
    RecastMode,
    Register,
    Role,
    Scenario,
    Text,
)
from talkline.profiles.practice.registers import learner_register, partner_register

DEFAULT_SCENARIO = "mart"
DEFAULT_RECAST: RecastMode = "gentle"
RECAST_MODES: tuple[str, ...] = get_args(RecastMode)


class UnknownScenario(LookupError):
    def __init__(self, scenario_id: str) -> None:
        super().__init__(f"unknown practice scenario '{scenario_id}'; available: {', '.join(_scenarios())}")
        self.scenario_id = scenario_id


class UnknownPersona(LookupError):
    def __init__(self, persona_id: str) -> None:
        super().__init__(f"unknown practice persona '{persona_id}'; available: {', '.join(_personas())}")
        self.persona_id = persona_id


class UnknownRole(LookupError):
    def __init__(self, scenario: Scenario, role_id: str) -> None:
        roles = ", ".join(role.id for role in scenario.roles)
        super().__init__(f"scenario '{scenario.id}' has no role '{role_id}'; its roles: {roles}")


class PersonaCannotPlay(ValueError):
    """A persona chosen for a role it cannot play (an elder as a 반말 friend…); the reason is in both languages."""

    def __init__(self, scenario: Scenario, persona: Persona, reason: Text) -> None:
        super().__init__(
            f"persona '{persona.id}' cannot play scenario '{scenario.id}': {reason.en} ({reason.ko})"
        )
        self.reason = reason


class UnknownRecast(ValueError):
    def __init__(self, mode: str) -> None:
        super().__init__(f"unknown recast mode '{mode}'; choose one of: {', '.join(RECAST_MODES)}")


def _read(*path: str) -> Any:
    return yaml.safe_load(
        files("talkline.profiles.practice").joinpath("data", *path).read_text(encoding="utf-8")
    )


@functools.cache
def _scenarios() -> dict[str, Scenario]:
    folder = files("talkline.profiles.practice").joinpath("data", "scenarios")
    loaded = [
        Scenario.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        for path in sorted(folder.iterdir(), key=lambda path: path.name)
        if path.name.endswith(".yaml")
    ]
    return {scenario.id: scenario for scenario in sorted(loaded, key=lambda s: SCENARIO_ORDER.index(s.id))}


SCENARIO_ORDER = [
    "mart",
    "restaurant",
    "friend",
    "hospital",
    "directions",
    "bank",
    "community_centre",
    "interview",
]


@functools.cache
def _personas() -> dict[str, Persona]:
    return {
        persona.id: persona for persona in TypeAdapter(list[Persona]).validate_python(_read("personas.yaml"))
    }


@functools.cache
def common() -> Common:
    return Common.model_validate(_read("common.yaml"))


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


def role_for(chosen: Scenario, player: Persona) -> Role | None:
    """The role of the scenario the persona plays, or None when they can play none of its roles."""
    return next((role for role in chosen.roles if player.age in role.played_by), None)


def refusal(chosen: Scenario, player: Persona, role: Role | None = None) -> Text:
    """Why the persona cannot play the scenario (or the given role), in Korean and English."""
    wanted = role or chosen.roles[0]
    others = [other for other in personas() if other.age in wanted.played_by]
    reason = common().casting.get(wanted.relationship, common().casting["other"])
    values = {
        "ko": {"persona": player.name.ko, "other": others[0].name.ko if others else ""},
        "en": {"persona": player.name.en, "other": others[0].name.en if others else ""},
    }
    return Text(
        ko=fill(reason.ko, values["ko"].get) or reason.ko, en=fill(reason.en, values["en"].get) or reason.en
    )


@dataclass(frozen=True, slots=True)
class Setup:
    """Everything a call's options decide."""

    scenario: Scenario
    persona: Persona
    role: Role
    recast: RecastMode
    language: Language

    @property
    def partner_register(self) -> Register:
        return partner_register(self.role.relationship)

    @property
    def learner_register(self) -> Register:
        return learner_register(self.role.relationship)

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.scenario.id, self.persona.id, self.role.id, self.recast, self.language)

    def options(self) -> dict[str, str]:
        return {
            "scenario": self.scenario.id,
            "persona": self.persona.id,
            "role": self.role.id,
            "recast": self.recast,
        }


def scenario_for(options: Mapping[str, Any]) -> Scenario:
    """The scenario named by `options["scenario"]`, or the default one."""
    return scenario(str(options.get("scenario") or DEFAULT_SCENARIO))


def persona_for(options: Mapping[str, Any]) -> Persona:
    """The persona named by `options["persona"]`, or the scenario's default persona."""
    return persona(str(options.get("persona") or scenario_for(options).default_persona))


def setup_for(options: Mapping[str, Any], language: str | None = None) -> Setup:
    """The call these options describe; raises for unknown names and for pairings that cannot be."""
    chosen, player = scenario_for(options), persona_for(options)
    role = _role(chosen, player, options.get("role"))
    mode = str(options.get("recast") or DEFAULT_RECAST)
    if mode not in RECAST_MODES:
        raise UnknownRecast(mode)
    spoken = str(language or options.get("language") or "ko").lower().split("-")[0]
    return Setup(chosen, player, role, mode, "en" if spoken == "en" else "ko")  # type: ignore[arg-type]


def _role(chosen: Scenario, player: Persona, role_id: Any) -> Role:
    if role_id:
        role = next((role for role in chosen.roles if role.id == role_id), None)
        if role is None:
            raise UnknownRole(chosen, str(role_id))
        if player.age not in role.played_by:
            raise PersonaCannotPlay(chosen, player, refusal(chosen, player, role))
        return role
    role = role_for(chosen, player)
    if role is None:
        raise PersonaCannotPlay(chosen, player, refusal(chosen, player))
    return role
