"""Applications are plugins: a third-party package registered under the `talkline.applications` entry point
group contributes its profile (with tools and card), routes, table and page module exactly as eco and practice
do, and the platform's own modules import no application."""

from __future__ import annotations

import ast
import sys
import textwrap
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from talkline.pipeline import Pipeline, TextInput, TurnOptions
from talkline.pipeline.events import ResponseEnd
from talkline.profiles.applications import installed_applications
from talkline.runtime import Runtime
from talkline.server import create_app
from talkline.settings import Settings

TALKLINE = Path(__file__).resolve().parents[2] / "talkline"
PLATFORM = ["server.py", "runtime.py", "store", "realtime", "jobs", "rest", "pipeline", "auth", "protocol"]
PAGE_MODULE = "export function render(card) { return card.title.en; }\n"

TUTOR = '''
"""A third-party Talkline application: a recycling tutor for children, with a lesson log of its own."""

from pathlib import Path

from fastapi import APIRouter
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from talkline.agent.base import TextDelta, ToolCallRequest
from talkline.agent.history import ToolOutput
from talkline.agent.tools import ToolRegistry
from talkline.profiles.applications import Application
from talkline.profiles.base import Profile
from talkline.profiles.card import ProfileCard
from talkline.store.schema import Base

tools = ToolRegistry()


@tools.tool(description="The bin an item goes in", read_only=True)
async def bin_for(item: str) -> dict:
    return {"item": item, "bin": "plastics" if "bottle" in item else "general"}


class TutorAgent:
    name = "tutor"

    async def respond(self, request):
        outputs = [turn for turn in request.history if isinstance(turn, ToolOutput)]
        if not outputs:
            yield ToolCallRequest("call_bin", "bin_for", '{"item": "bottle"}')
            return
        yield TextDelta("Bottles go in the plastics bin!")


class LessonRow(Base):
    __tablename__ = "tutor_lessons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(64))


class Lessons:
    def __init__(self, sessions):
        self._sessions = sessions

    async def add(self, topic):
        async with self._sessions.begin() as session:
            session.add(LessonRow(topic=topic))

    async def topics(self):
        async with self._sessions() as session:
            return list(await session.scalars(select(LessonRow.topic)))


def profiles(pool):
    return [Profile(name="tutor", description="Recycling tutor", instructions="Teach children to sort waste.",
                    agent=TutorAgent(), tools=tools, language="en",
                    card=ProfileCard(title={"en": "Recycling tutor", "ko": "분리배출 선생님"},
                                     summary={"en": "Sorting waste for children", "ko": "어린이 분리배출"},
                                     languages=["en"], opens_call=True))]


def routes(services):
    router = APIRouter(prefix="/v1/tutor")

    @router.post("/lessons")
    async def add(topic: str) -> dict:
        await services.store.repository(Lessons).add(topic)
        return {"topics": await services.store.repository(Lessons).topics()}

    return router


application = Application(name="tutor", profiles=profiles, routes=routes, tables=[LessonRow],
                          static_dir=Path(__file__).parent / "web", page_module="page.js")
'''


@pytest.fixture
def tutor_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The package as pip would leave it: its modules, and a dist-info naming its entry point."""
    site = tmp_path / "site-packages"
    package = site / "tutor_app"
    (package / "web").mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(TUTOR), encoding="utf-8")
    (package / "web" / "page.js").write_text(PAGE_MODULE, encoding="utf-8")
    info = site / "tutor_app-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tutor-app\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[talkline.applications]\ntutor = tutor_app:application\n",
                                           encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    yield site
    sys.modules.pop("tutor_app", None)


@pytest.fixture
async def runtime(tutor_installed: Path, tmp_path: Path) -> AsyncIterator[Runtime]:
    runtime = Runtime.create(Settings(data_dir=tmp_path / "data", inference_workers=1))
    await runtime.store.start()
    yield runtime
    await runtime.store.close()
    runtime.pool.shutdown()


async def test_a_third_party_application_plugs_in_like_the_builtin_ones(runtime: Runtime) -> None:
    assert [application.name for application in installed_applications()] == ["eco", "practice", "tutor"]
    transport = httpx.ASGITransport(app=create_app(runtime=runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://talkline") as http:
        models = (await http.get("/v1/models")).json()["data"]
        tutor = next(entry for entry in models if entry["id"] == "tutor")
        assert tutor["object"] == "model" and tutor["tools"] == ["bin_for"]
        assert tutor["talkline"] == {"title": {"en": "Recycling tutor", "ko": "분리배출 선생님"},
                                     "summary": {"en": "Sorting waste for children", "ko": "어린이 분리배출"},
                                     "languages": ["en"], "opens_call": True, "options": [],
                                     "page_module": "/apps/tutor/page.js"}
        page = await http.get(tutor["talkline"]["page_module"])
        assert page.status_code == 200 and page.text == PAGE_MODULE
        assert "javascript" in page.headers["content-type"]
        added = await http.post("/v1/tutor/lessons", params={"topic": "bottles"})  # its route, on its table
        assert added.status_code == 200 and added.json() == {"topics": ["bottles"]}

    turn = Pipeline(stt=None, tts=None).turn(runtime.profiles.get("tutor"), (),  # type: ignore[arg-type]
                                             TextInput("Where do bottles go?"), TurnOptions(speak=False))
    end = [event async for event in turn][-1]
    assert isinstance(end, ResponseEnd) and end.text == "Bottles go in the plastics bin!"
    assert [result.value for result in end.tool_results] == [{"item": "bottle", "bin": "plastics"}]


async def test_the_builtin_applications_give_their_cards(tmp_path: Path) -> None:
    runtime = Runtime.create(Settings(data_dir=tmp_path, inference_workers=1))
    try:
        transport = httpx.ASGITransport(app=create_app(runtime=runtime))
        async with httpx.AsyncClient(transport=transport, base_url="http://talkline") as http:
            eco = (await http.get("/v1/models/eco")).json()["talkline"]
            practice = (await http.get("/v1/models/practice")).json()["talkline"]
            page_module = await http.get("/apps/practice/page.js")
    finally:
        runtime.pool.shutdown()
    assert eco["title"] == {"en": "Recycling helper", "ko": "분리배출 도우미"} and eco["opens_call"] is False
    assert eco["options"] == [] and eco["page_module"] is None and eco["languages"] == ["ko", "en"]
    assert practice["opens_call"] is True
    options = {option["name"]: option for option in practice["options"]}
    assert set(options) == {"scenario", "persona", "language"}
    scenario = options["scenario"]
    assert scenario["default"] == "mart" and scenario["title"] == {"en": "Situation", "ko": "상황"}
    mart = next(choice for choice in scenario["choices"] if choice["value"] == "mart")
    assert set(mart["title"]) == {"en", "ko"} and set(mart["summary"]) == {"en", "ko"}
    assert {choice["value"] for choice in options["persona"]["choices"]} >= {"saerom", "gildong"}
    shipped = (TALKLINE / "profiles" / "practice" / "web" / "page.js").is_file()  # written on the page's branch
    assert practice["page_module"] == ("/apps/practice/page.js" if shipped else None)
    assert page_module.status_code == (200 if shipped else 404)


def test_the_platform_imports_no_application() -> None:
    for path in (file for name in PLATFORM for file in _python_files(TALKLINE / name)):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for module in modules:
                assert not module.startswith(("talkline.profiles.eco", "talkline.profiles.practice")), (path, module)


def _python_files(path: Path) -> list[Path]:
    return [path] if path.is_file() else sorted(path.rglob("*.py"))
