"""The profiles a server offers: those of the installed applications, changed and extended by the
profiles file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from talkline.agent.skill import SkillAgent
from talkline.engines.pool import InferencePool
from talkline.profiles.applications import Application, installed_applications
from talkline.profiles.base import Profile, ProfileRegistry
from talkline.profiles.card import ProfileCard


def with_skill_layer(profile: Profile) -> Profile:
    """Offline agents get the generic layer for client tools and idle prompts."""
    if isinstance(profile.agent, SkillAgent):
        return profile
    return replace(profile, agent=SkillAgent(profile.agent, own_tools=[spec.name for spec in profile.tools.specs()]))


def application_profiles(application: Application, pool: InferencePool | None = None) -> list[Profile]:
    """An application's profiles as the server offers them: with the skill layer, and cards that point at the
    application's page module (each per-session variant too)."""
    page_module = application.page_module_url

    def offered(profile: Profile) -> Profile:
        card = profile.card or ProfileCard.plain(profile.name, profile.description, profile.language)
        made_by = profile.variant
        return replace(with_skill_layer(profile), card=card.model_copy(update={"page_module": page_module}),
                       variant=(lambda options: offered(made_by(options))) if made_by else None)

    return [offered(profile) for profile in application.profiles(pool)]


def builtin_profiles(pool: InferencePool | None = None, default: str | None = None,
                     applications: Sequence[Application] | None = None) -> ProfileRegistry:
    """The profiles of the installed applications (the built-in eco and practice among them); the default is
    `default`, else the first profile of the first application by name."""
    found = installed_applications() if applications is None else applications
    profiles = [profile for application in found for profile in application_profiles(application, pool)]
    return ProfileRegistry(profiles, default=default or (profiles[0].name if profiles else None))


def load_profiles(pool: InferencePool | None = None, *, default: str | None = None,
                  profiles_file: Path | None = None, applications: Sequence[Application] | None = None
                  ) -> ProfileRegistry:
    """The installed applications' profiles, changed and extended by the profiles file. Raises
    ProfilesFileError when the file cannot be used."""
    from talkline.profiles.config import apply_profiles_file

    profiles = builtin_profiles(pool, default, applications)
    return apply_profiles_file(profiles, profiles_file, pool) if profiles_file is not None else profiles

