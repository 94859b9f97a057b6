"""Applications are plugins. A package registers one `Application` under the `talkline.applications`
entry point group, and through it contributes its profiles (with their tools, data and cards), its
HTTP routes, its store tables, its static page assets (served under `/apps/{name}/`, among them the
page module the web shell imports) and its evaluation command. The built-in `eco` and `practice`
register exactly the same way (see pyproject.toml); the platform names none of them.

    # pyproject.toml of a third-party package
    [project.entry-points."talkline.applications"]
    tutor = "tutor.app:application"
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

from talkline.engines.pool import InferencePool
from talkline.profiles.base import Profile

if TYPE_CHECKING:
    from fastapi import APIRouter

    from talkline.settings import Settings
    from talkline.store import Store

ENTRY_POINT_GROUP = "talkline.applications"
STATIC_PREFIX = "/apps"


@dataclass(frozen=True)
class AppServices:
    """What the platform gives an application's routes."""

    store: Store
    owner: Callable[..., Awaitable[str]]  # a FastAPI dependency: the caller's identity (history is scoped by it)
    settings: Settings


@dataclass(frozen=True)
class Application:
    name: str  # names its static files' URL: /apps/{name}/
    profiles: Callable[[InferencePool | None], Sequence[Profile]]  # given the process's inference pool
    routes: Callable[[AppServices], APIRouter] | None = None
    tables: Sequence[type[Any]] = ()  # declarative models on talkline.store.schema.Base; the store creates them
    static_dir: Path | None = None  # served under /apps/{name}/
    page_module: str | None = None  # an ES module in static_dir that draws the application's parts of the page
    evaluate: Callable[..., None] | None = None  # `talkline eval {name}` (a typer command function)

    @property
    def static_url(self) -> str:
        return f"{STATIC_PREFIX}/{self.name}"

    @property
    def page_module_url(self) -> str | None:
        """The page module's URL, when the application ships one."""
        if self.static_dir is None or self.page_module is None or not (self.static_dir / self.page_module).is_file():
            return None
        return f"{self.static_url}/{self.page_module}"


class ApplicationError(RuntimeError):
    """An installed application cannot be loaded."""


def installed_applications() -> list[Application]:
    """Every application registered under the entry point group, ordered by name (the built-in ones are
    registered by Talkline's own installation; none at all means it was not installed)."""
    applications: dict[str, Application] = {}
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda entry: entry.name):
        try:
            loaded = entry.load()
        except Exception as exc:
            raise ApplicationError(f"application {entry.name} ({entry.value}) cannot be loaded: {exc}") from exc
        application = loaded() if callable(loaded) and not isinstance(loaded, Application) else loaded
        if not isinstance(application, Application):
            raise ApplicationError(f"{entry.value} is not a talkline Application (nor a function returning one)")
        if application.name in applications:
            raise ApplicationError(f"two applications are named {application.name}")
        applications[application.name] = application
    if not applications:
        raise ApplicationError(f"no application is installed under the {ENTRY_POINT_GROUP} entry points (not even "
                               "the built-in eco and practice): install Talkline with scripts/install")
    return list(applications.values())
