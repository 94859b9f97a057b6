"""Private Redis, RabbitMQ and PostgreSQL servers for the fault tests, each in its own temp dir on free
ports, so a test can kill and restart them. The shared services on 6379, 5672 and 5432 are never touched.

    with PrivateRedis(tmp_path / "redis") as redis_server:
        ...                                  # redis_server.url
        redis_server.kill()                  # SIGKILL: what a crash looks like
        redis_server.start()                 # same port, same data dir (AOF, fsync always)
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.server_process import free_port

RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"  # the script itself: the wrapper would switch user


def wait_for_port(port: int, timeout_s: float, process: subprocess.Popen[bytes] | None = None,
                  log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}:\n{_tail(log)}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listened on {port} within {timeout_s} s:\n{_tail(log)}")


def _tail(log: Path | None) -> str:
    return log.read_text(errors="replace")[-3000:] if log and log.exists() else ""


class PrivateServer:
    """A server process this test owns: start(), kill() (SIGKILL), stop() (SIGTERM), restart."""

    name = "server"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = directory / f"{self.name}.log"
        directory.mkdir(parents=True, exist_ok=True)

    def command(self) -> list[str]:
        raise NotImplementedError

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    def start(self, timeout_s: float = 60.0) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command(), cwd=self.directory, env=self.environment(),
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_port(self.port, timeout_s, self.process, self.log)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)

    def stop(self) -> None:
        self._signal(signal.SIGTERM)

    def _signal(self, sig: signal.Signals) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)  # the whole group: rabbitmq-server runs beam as a child
            self.process.wait(timeout=60)
        self.process = None

    def __enter__(self) -> PrivateServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()


class PrivateRedis(PrivateServer):
    """redis-server with an append-only file fsynced on every write: a kill -9 loses nothing acknowledged,
    as a production Redis for Talkline's event log must be configured."""

    name = "redis"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        return ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
                "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no"]


class PrivateRabbit(PrivateServer):
    """A RabbitMQ node of its own (node name, AMQP and distribution ports, Mnesia dir, cookie, no plugins)."""

    name = "rabbit"

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.dist_port = free_port()
        self.node = f"talkline-fault-{self.port}@localhost"
        (directory / "rabbit.conf").write_text(f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
                                               "loopback_users.guest = true\n")
        (directory / "plugins").write_text("[].\n")

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def command(self) -> list[str]:
        return [RABBITMQ_SERVER]

    def environment(self) -> dict[str, str]:
        d = self.directory
        return {**os.environ, "HOME": str(d), "RABBITMQ_NODENAME": self.node, "RABBITMQ_NODE_PORT": str(self.port),
                "RABBITMQ_DIST_PORT": str(self.dist_port), "RABBITMQ_MNESIA_BASE": str(d / "mnesia"),
                "RABBITMQ_LOG_BASE": str(d / "log"), "RABBITMQ_CONFIG_FILE": str(d / "rabbit.conf"),
                "RABBITMQ_ENABLED_PLUGINS_FILE": str(d / "plugins"), "RABBITMQ_CONF_ENV_FILE": str(d / "env.conf"),
                "RABBITMQ_PID_FILE": str(d / "rabbit.pid"), "ERL_EPMD_ADDRESS": "127.0.0.1"}

    def start(self, timeout_s: float = 120.0) -> None:
        super().start(timeout_s)


class PrivatePostgres(PrivateServer):
    """A PostgreSQL cluster made with initdb in a temp dir, run as the postgres user, trust auth on loopback.

    The cluster lives in a directory of its own under the system temp dir (the postgres user cannot
    enter pytest's root-only tmp_path); `remove()` deletes it."""

    name = "postgres"

    def __init__(self) -> None:
        super().__init__(Path(tempfile.mkdtemp(prefix="talkline-faults-pg-")))
        self.data = self.directory / "data"
        self.log.touch()
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: hand the cluster to the postgres user
            shutil.chown(self.directory, "postgres", "postgres")
            shutil.chown(self.log, "postgres", "postgres")
        subprocess.run([*_as_postgres(), "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                        "--no-sync"], check=True, capture_output=True)

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def remove(self) -> None:
        self.kill()
        shutil.rmtree(self.directory, ignore_errors=True)

    def command(self) -> list[str]:
        return [*_as_postgres(), "postgres", "-D", str(self.data), "-p", str(self.port),
                "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.directory}",
                "-c", "fsync=on"]


def _as_postgres() -> list[str]:
    """The command prefix that runs PostgreSQL's programs: as the postgres user when we are root."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
