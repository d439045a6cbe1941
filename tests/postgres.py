"""A throwaway PostgreSQL cluster from Debian's packages, for the tests that need one."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """initdb + pg_ctl in a temporary folder, trust auth on 127.0.0.1 only."""

    def __init__(self):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            raise RuntimeError("PostgreSQL is missing: apt-get install postgresql "
                               "(.ci/run does it)")
        self.bin = Path(found[-1]).parent
        self.base = Path(tempfile.mkdtemp(prefix="balise-pg-"))
        self.port = free_port()
        self.as_postgres = []
        if os.geteuid() == 0:                       # PostgreSQL refuses to run as root
            user = pwd.getpwnam("postgres")
            os.chown(self.base, user.pw_uid, user.pw_gid)
            self.as_postgres = ["runuser", "-u", "postgres", "--"]

    def run(self, *cmd: str) -> None:
        subprocess.run([*self.as_postgres, *cmd], check=True, capture_output=True, cwd="/")

    def start(self) -> "Cluster":
        data = self.base / "data"
        self.run(str(self.bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                 "--no-sync", "-E", "UTF8")
        self.run(str(self.bin / "pg_ctl"), "-D", str(data), "-w", "-l", str(self.base / "log"),
                 "-o", f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 "
                       "-c fsync=off -c max_connections=200", "start")
        return self

    def create_db(self, name: str) -> str:
        self.run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                 "-U", "postgres", name)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self.run(str(self.bin / "pg_ctl"), "-D", str(self.base / "data"), "-m", "immediate",
                     "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
