"""A throwaway PostgreSQL + PostGIS server for the store's tests.

:func:`postgis_server` starts a real server with ``initdb``/``pg_ctl`` in a temporary directory, on a
free loopback port, as an unprivileged user where the tests run as root (PostgreSQL refuses to run
as root), creates a database with ``CREATE EXTENSION postgis`` and yields its ``postgresql://`` URL.
Nothing is mocked; where PostgreSQL or PostGIS is missing it fails loudly, naming what to install.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

INSTALL = (
    "install Debian's postgresql and postgresql-15-postgis-3 "
    "(`sudo apt-get install postgresql postgresql-15-postgis-3`, or `scripts/setup.sh --browser`)"
)


def _bin(name: str) -> str:
    """The path of a PostgreSQL server program (``initdb``, ``pg_ctl``, ``psql``)."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    raise RuntimeError(f"PostgreSQL's `{name}` was not found: {INSTALL}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user() -> list[str]:
    """The prefix that runs a command as an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "nobody", "--"]


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


@contextlib.contextmanager
def postgis_server() -> Iterator[str]:
    """Start a throwaway PostGIS server; yield ``postgresql://postgres@127.0.0.1:PORT/geotest``."""
    initdb, pg_ctl, psql = _bin("initdb"), _bin("pg_ctl"), _bin("psql")
    base = Path(tempfile.mkdtemp(prefix="geo-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    prefix = _as_user()
    if prefix:
        os.chmod(base, 0o755)
        shutil.chown(base, "nobody")
        shutil.chown(sock, "nobody")
    port = _free_port()
    log = base / "server.log"
    started = False
    try:
        _run(
            [
                *prefix,
                initdb,
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--locale=C.UTF-8",
            ],
            cwd=base,
        )
        _run(
            [
                *prefix,
                pg_ctl,
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-t",
                "60",
                "-o",
                f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off",
                "start",
            ],
            cwd=base,
        )
        started = True
        common = [psql, "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q"]
        _run([*common, "-d", "postgres", "-c", "CREATE DATABASE geotest"])
        try:
            _run([*common, "-d", "geotest", "-c", "CREATE EXTENSION postgis"])
        except RuntimeError as exc:
            raise RuntimeError(f"PostGIS is missing from this PostgreSQL: {INSTALL}\n{exc}") from None
        yield f"postgresql://postgres@127.0.0.1:{port}/geotest"
    finally:
        if started:
            subprocess.run(
                [*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], capture_output=True, cwd=base
            )
            time.sleep(0.1)
        shutil.rmtree(base, ignore_errors=True)


def create_database(url: str, name: str, postgis: bool = True) -> str:
    """Create one more database (with PostGIS unless ``postgis=False``) on the server of ``url``; its URL."""
    psql = _bin("psql")
    server, _, _ = url.rpartition("/")
    host_port = server.split("@", 1)[1]
    host, port = host_port.split(":")
    common = [psql, "-h", host, "-p", port, "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q"]
    _run([*common, "-d", "postgres", "-c", f'CREATE DATABASE "{name}"'])
    if postgis:
        _run([*common, "-d", name, "-c", "CREATE EXTENSION postgis"])
    return f"{server}/{name}"
