"""Prometheus metrics: sessions, per-stage latency histograms, responses, tools, jobs and errors."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 5.0, 10.0)

SESSIONS = Gauge("talkline_sessions_active", "Open realtime sessions")
SESSIONS_REFUSED = Counter("talkline_sessions_refused_total", "Sessions refused", ["reason"])
STAGE_SECONDS = Histogram("talkline_stage_seconds", "Time from end of user speech to each stage of a reply",
                          ["surface", "stage"], buckets=LATENCY_BUCKETS)
RESPONSES = Counter("talkline_responses_total", "Responses by final status", ["surface", "status"])
TOOL_CALLS = Counter("talkline_tool_calls_total", "Server tool calls", ["tool", "ok"])
ERRORS = Counter("talkline_errors_total", "Errors sent to clients", ["surface", "code"])
JOBS = Counter("talkline_jobs_total", "Finished jobs by outcome", ["kind", "status"])
SPECULATIVE_REPLIES = Counter("talkline_speculative_replies_total",
                              "Replies prepared at the user's pause, by outcome (used, or discarded and why)",
                              ["outcome"])
SPECULATIVE_AUDIO_DISCARDED = Counter("talkline_speculative_audio_discarded_seconds_total",
                                      "Seconds of reply audio synthesised speculatively and thrown away")
BARGE_INS = Counter("talkline_barge_ins_total", "User speech during a reply", ["outcome"])

RELAY_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)
RELAY_FORWARD_SECONDS = Histogram("talkline_relay_forward_seconds",
                                  "Time a relayed event spends in the gateway, from arrival to forwarded",
                                  ["direction"], buckets=RELAY_BUCKETS)
RELAY_UPSTREAM_FAILURES = Counter("talkline_relay_upstream_failures_total",
                                  "Upstream Realtime sessions that could not be opened or were lost", ["reason"])
RELAY_RENEWALS = Counter("talkline_relay_renewals_total",
                         "Upstream sessions replaced before the upstream's time cap", ["outcome"])


def observe_timings(surface: str, durations_ms: dict[str, float]) -> None:
    for stage, ms in durations_ms.items():
        STAGE_SECONDS.labels(surface=surface, stage=stage).observe(ms / 1000)
