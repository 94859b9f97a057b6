"""The app factory: every HTTP and WebSocket surface, wired to one Runtime."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from talkline import __version__
from talkline.auth.http import caller_dependency, owner_dependency
from talkline.body_limits import BodyLimitMiddleware
from talkline.http_errors import install_error_handlers
from talkline.jobs.routes import jobs_router
from talkline.profiles.applications import AppServices
from talkline.realtime.calls import CallRegistry
from talkline.realtime.client_secrets import SecretMinter, secrets_router
from talkline.realtime.webrtc.signalling import calls_router
from talkline.realtime.websocket_endpoint import realtime_router
from talkline.rest import rest_router
from talkline.runtime import Runtime
from talkline.settings import Settings

WEB_DIR = Path(__file__).resolve().parent.parent / "web"


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    runtime = runtime or Runtime.create(settings or Settings())
    app = FastAPI(title="Talkline", version=__version__, lifespan=runtime.lifespan)
    app.state.runtime = runtime
    install_error_handlers(app)
    caller = caller_dependency(runtime.authenticator)
    minter = SecretMinter(runtime.settings, runtime.profiles, runtime.secrets, runtime.mint_limiter)
    calls = CallRegistry()
    app.include_router(realtime_router(runtime.realtime_services, runtime.profiles, runtime.authenticator,
                                       runtime.admission, calls))
    app.include_router(calls_router(runtime.realtime_services, runtime.profiles, runtime.authenticator,
                                    runtime.admission, calls))
    app.include_router(secrets_router(minter, caller))
    app.include_router(rest_router(runtime.loaded_pipeline, runtime.profiles, caller, runtime.settings))
    app.include_router(jobs_router(runtime.settings, runtime.job_backends, runtime.profiles, caller, runtime.pool))
    app.add_middleware(BodyLimitMiddleware, settings=runtime.settings)
    _add_operations(app, runtime)
    _add_applications(app, runtime, AppServices(runtime.store, owner_dependency(caller), runtime.settings))
    if WEB_DIR.is_dir():
        app.mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web")
    return app


def _add_applications(app: FastAPI, runtime: Runtime, services: AppServices) -> None:
    """Each application's routes, and its static files under /apps/{name}/."""
    for application in runtime.applications:
        if application.routes is not None:
            app.include_router(application.routes(services))
        if application.static_dir is not None and application.static_dir.is_dir():
            app.mount(application.static_url, StaticFiles(directory=application.static_dir),
                      name=f"apps-{application.name}")


def _add_operations(app: FastAPI, runtime: Runtime) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        checks = {"models": runtime.ready}
        if runtime.redis is not None:
            try:
                checks["redis"] = bool(await runtime.redis.ping())
            except Exception:
                checks["redis"] = False
        ready = all(checks.values())
        return JSONResponse({"status": "ready" if ready else "not_ready", "checks": checks},
                            status_code=200 if ready else 503)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        return {"object": "list", "data": [profile.models_entry() for profile in runtime.profiles]}

    @app.get("/v1/models/{model}")
    async def model(model: str) -> dict[str, Any]:
        from talkline.http_errors import ApiError
        from talkline.profiles.base import UnknownProfile

        try:
            return runtime.profiles.get(model).models_entry()
        except UnknownProfile as exc:
            raise ApiError(404, str(exc), code="model_not_found", param="model") from None
