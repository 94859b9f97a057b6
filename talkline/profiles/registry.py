"""The profiles a server offers: the built-in `eco` and `practice`, plus the user's own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from talkline.agent.skill import SkillAgent
from talkline.engines.pool import InferencePool
from talkline.profiles.base import Profile, ProfileRegistry


def with_skill_layer(profile: Profile) -> Profile:
    """Offline agents get the generic layer for client tools and idle prompts."""
    if isinstance(profile.agent, SkillAgent):
        return profile
    return replace(profile, agent=SkillAgent(profile.agent, own_tools=[spec.name for spec in profile.tools.specs()]))


def builtin_profiles(pool: InferencePool | None = None, default: str = "eco") -> ProfileRegistry:
    from talkline.profiles import eco
    from talkline.profiles.practice import create_practice_profile
    from talkline.profiles.practice.history import finish_practice_call

    def practice(options: Mapping[str, Any] | None = None) -> Profile:
        return replace(with_skill_layer(create_practice_profile(options)), variant=practice,
                       finish_call=finish_practice_call)

    profiles = [replace(eco.create_eco_profile(pool), warm_up=lambda: eco.warm_up(pool)), practice()]
    return ProfileRegistry([with_skill_layer(p) for p in profiles], default=default)


def load_profiles(pool: InferencePool | None = None, *, default: str = "eco",
                  profiles_file: Path | None = None) -> ProfileRegistry:
    """The profiles a server offers: the built-in ones, changed and extended by the profiles file.
    Raises ProfilesFileError when the file cannot be used."""
    from talkline.profiles.config import apply_profiles_file

    profiles = builtin_profiles(pool, default)
    return apply_profiles_file(profiles, profiles_file, pool) if profiles_file is not None else profiles
