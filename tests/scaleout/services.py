"""The services a deployment on many machines uses, run for real on localhost by the tests.

Each is started by the test that needs it, on a port of its own, and stopped after it: Redis
(Debian's ``redis-server``), an SMTP server (``aiosmtpd``), an S3-compatible server (``moto`` in
server mode), PostgreSQL clusters made with ``initdb``/``pg_basebackup``. A missing program
skips the test locally; with ``PORTAIL_REQUIRE_SERVICES=1`` (as ``.ci/run`` sets) it fails
instead, so that CI never passes on a service it did not run.
"""

from __future__ import annotations

import glob
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_PORTS = range(6380, 6390)
HTTP_PORTS = range(8180, 8190)
POSTGRES_PORTS = range(5433, 5440)
# What production's environment would say about the services; tests set their own.
SERVICE_VARIABLES = {
    "REDIS_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "DATABASE_REPLICA_URL",
    "TASKS_BACKEND",
    "EMAIL_BACKEND",
}


def require(available: bool, what: str) -> None:
    """Skip (or, when CI requires every service, fail) a test whose service cannot run here."""
    if available:
        return
    message = f"{what} is not available on this machine"
    if os.environ.get("PORTAIL_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message}, and PORTAIL_REQUIRE_SERVICES=1 requires it")
    pytest.skip(message)


def free_port(ports: range) -> int:
    """The first port of ``ports`` nobody listens on."""
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


def wait_until(condition: Callable[[], object], *, timeout: float, what: str) -> object:
    """``condition()``'s first true value, polled until ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except Exception:  # the service is still starting
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still not true after {timeout} s")
        time.sleep(0.05)


def production_env(**extra: str) -> dict[str, str]:
    """The environment of a production process: production settings, a secret, no service
    variable inherited from the shell running the tests."""
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver,localhost,127.0.0.1",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def python(code: str, env: dict[str, str], timeout: float = 60) -> str:
    """Run ``code`` in a new Python process of the portal (Django set up); its stdout."""
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def production_settings(names: list[str], **environ: str) -> dict:
    """Settings as production computes them from the environment variables ``environ``."""
    code = (
        "from django.conf import settings; import json\n"
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    return json.loads(python(code, production_env(**environ)))


# --------------------------------------------------------------------------- Redis


@contextmanager
def redis_server(tmp_path: Path) -> Iterator[str]:
    """A Redis server of our own on localhost, nothing saved to disk; yields its URL."""
    binary = shutil.which("redis-server")
    require(binary is not None, "redis-server (apt-get install redis-server)")
    import redis

    port = free_port(REDIS_PORTS)
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # On the real clock when the suite runs under faketime: Redis's own timers stall under
        # it, and nothing it keeps here depends on the date.
        env={k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")},
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_until(lambda: redis.Redis.from_url(url).ping(), timeout=10, what="redis-server")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


# --------------------------------------------------------------------------- S3


@contextmanager
def s3_server() -> Iterator[str]:
    """An S3-compatible server on localhost (moto in server mode); yields its endpoint URL."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        require(False, "moto[server] (the dev extra)")
    port = free_port(HTTP_PORTS)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        # moto keeps its buckets in this process: each test starts from an empty server.
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))
        yield endpoint
    finally:
        server.stop()


# --------------------------------------------------------------------------- SMTP


@contextmanager
def smtp_server() -> Iterator[tuple[int, list]]:
    """An SMTP server on localhost that keeps what it receives; yields its port and the list
    of received messages (``email.message.EmailMessage``), filled as they arrive."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        require(False, "aiosmtpd (the dev extra)")
    from email import message_from_bytes, policy

    received: list = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            received.append(message_from_bytes(envelope.original_content, policy=policy.default))
            return "250 Message accepted for delivery"

    port = free_port(HTTP_PORTS)
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


# --------------------------------------------------------------------------- PostgreSQL


def postgres_bin() -> Path | None:
    """Debian's PostgreSQL server programs, the newest version installed."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    return Path(found[-1]).parent if found else None


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL's servers refuse to run as root: as root, run them as the ``postgres`` user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@dataclass
class Cluster:
    """One PostgreSQL server of ours, its data and socket in a temporary directory."""

    bin: Path
    data: Path
    port: int

    def run(self, program: str, *args: str) -> str:
        result = subprocess.run(
            as_postgres([str(self.bin / program), *args]), capture_output=True, text=True
        )
        assert result.returncode == 0, f"{program} {args}: {result.stdout}{result.stderr}"
        return result.stdout

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.data / "server.log"), "-w", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def sql(self, query: str, database: str = "postgres") -> str:
        """``query``'s result as psql prints it unaligned, as the superuser."""
        result = subprocess.run(
            [
                str(self.bin / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
            ]
            + ["-qtAX", "-c", query],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def url(self, database: str = "portail") -> str:
        return f"postgres://portail:portail@127.0.0.1:{self.port}/{database}"


def _configure(data: Path, port: int) -> None:
    settings = (
        f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{data}'\n"
        # A throw-away server: no need to survive a power cut.
        "fsync = off\nfull_page_writes = off\nsynchronous_commit = off\n"
    )
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(settings)


@contextmanager
def streaming_replica() -> Iterator[tuple[Cluster, Cluster]]:
    """A primary and its streaming replica (``pg_basebackup -R``) on localhost; yields both,
    once the replica streams. Both are trusted on 127.0.0.1 only, and removed afterwards."""
    binary = postgres_bin()
    require(binary is not None, "PostgreSQL's server programs (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="portail-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    primary_port = free_port(POSTGRES_PORTS)
    replica_port = free_port(range(primary_port + 1, POSTGRES_PORTS.stop))
    primary = Cluster(binary, root / "primary", primary_port)
    replica = Cluster(binary, root / "replica", replica_port)
    started: list[Cluster] = []
    try:
        primary.run(
            "initdb", "-D", str(primary.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        _configure(primary.data, primary.port)
        primary.start()
        started.append(primary)
        primary.sql("CREATE ROLE portail LOGIN SUPERUSER PASSWORD 'portail'")
        primary.sql("CREATE DATABASE portail OWNER portail")
        primary.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
            "-D", str(replica.data), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        _configure(replica.data, replica.port)
        replica.start()
        started.append(replica)
        wait_until(
            lambda: (
                primary.sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
                == "1"
            ),
            timeout=30,
            what="the replica streams from the primary",
        )
        yield primary, replica
    finally:
        for cluster in reversed(started):
            with suppress(AssertionError):  # already stopped by the test
                cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
