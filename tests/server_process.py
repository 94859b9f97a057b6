"""Tests start real server and worker processes with the same helpers as the benchmarks."""

from talkline.bench.processes import (
    REPO,
    ServerProcess,
    free_port,
    talkline_server,
    talkline_worker,
    wait_ready,
)

__all__ = ["REPO", "ServerProcess", "free_port", "talkline_server", "talkline_worker", "wait_ready"]
