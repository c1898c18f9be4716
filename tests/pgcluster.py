"""A throwaway PostgreSQL + PostGIS cluster for the workspace tests (initdb in a temp folder, Unix socket)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path


def pg_bindir() -> Path | None:
    """Debian's PostgreSQL binaries (newest version installed), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def postgis_available(bindir: Path) -> bool:
    version = bindir.parts[-2]
    return bool(glob.glob(f"/usr/share/postgresql/{version}/extension/postgis.control"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """initdb + pg_ctl start in a temp folder; as root the server runs as ``postgres`` (it refuses root)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="gzgeo-pg-"))
        self.data, self.port = self.root / "data", _free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
            os.chmod(self.root, 0o755)

    def _run(self, *args: str) -> None:
        cmd = [str(a) for a in args]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def start(self) -> None:
        self._run(
            self.bindir / "initdb", "-D", self.data, "--auth=trust", "-U", "postgres", "--encoding=UTF8", "--no-sync"
        )
        options = f"-k {self.root} -p {self.port} -c listen_addresses='' -c fsync=off -c max_connections=40"
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-l", self.root / "log", "-o", options, "-w", "start")
        self.execute("CREATE DATABASE template_gis")
        self.execute("CREATE EXTENSION postgis", db="template_gis")

    def url(self, db: str) -> str:
        return f"postgresql://postgres@/{db}?host={self.root}&port={self.port}"

    def execute(self, sql: str, db: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(db), autocommit=True) as con:
            con.execute(sql)

    def new_database(self) -> str:
        """A fresh database with PostGIS; returns its URL."""
        name = f"ws_{uuid.uuid4().hex[:10]}"
        self.execute(f"CREATE DATABASE {name} TEMPLATE template_gis")
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
