"""Requests per second of the pages a phone hits all day, as a ratio to a bare Flask "hello" (issue 11).

Run by hand (not a test):

    .venv/bin/python bench/throughput.py                        # pages, then 50 writers for 60 s
    .venv/bin/python bench/throughput.py --seconds 5 --rounds 3 --writers 0   # pages only
    .venv/bin/python bench/throughput.py --app-dir /tmp/base    # another copy of CheckApp (before/after)

Starts on loopback CheckApp (a fresh SQLite database in WAL mode, the demo data: a run in progress)
and a bare Flask hello, each under gunicorn with the same settings (-w 2, sync workers), and drives
both with the same load generator in alternation, hello then CheckApp, `--rounds` times: wrk if it
is installed, else a Python one. For the performing page (one item screen of the run in progress),
the fix list, the dashboard and an answer POST through the API it prints requests/s, the ratio to
hello (the median of the rounds' ratios), p50/p99, SQL statements per request (counted in this
process with the test client on one request of each, the same code the workers run) and the CPU time
the workers spent per request (user + system, from /proc on Linux): the load generator's share of the
cores and a busy neighbour move the ratio, much less this.

Then `--writers` testers (threads) write for `--writers-seconds` against CheckApp under -w 4 on the
same database, each in a run of their own: 1-3 s after its last write (`--think`) an answer, or every
fifth time a ~300 KB photo (what a phone sends once it has shrunk it): some 25 writes a second in all,
a fast tester's pace fifty times over. It prints errors, lost writes (acknowledged, yet not in the
database afterwards) and p50/p99.

The machine may be shared: the load average is printed beside each figure, and only the ratio to
hello measured in the same run means something.
"""
from __future__ import annotations

import argparse
import collections
import http.client
import io
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HELLO_APP = '''from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
'''
PAGES = ("performing page", "fix list", "dashboard", "answer POST")
LINGER_RESET = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s
FAILURES: collections.Counter = collections.Counter()  # what the errors were (Python load generator)


# --- the database and the sessions ---------------------------------------------------------------

@dataclass
class Setup:
    database: Path
    staff_cookie: str
    manager_cookie: str
    csrf_token: str
    run_id: int
    item_id: int  # an answered yes/no item: its screen, and the item the answer POSTs go to
    writer_runs: list[tuple[int, list[int]]]  # (run id, its yes/no item ids) per writer
    statements: dict[str, int] = field(default_factory=dict)


def environment(workdir: Path, port: int) -> dict[str, str]:
    return {**os.environ, "SECRET_KEY": "bench-" + "x" * 40, "CHECKAPP_ENV": "production",
            "DATABASE_URL": f"sqlite:///{workdir / 'checkapp.db'}", "CHECKAPP_PHOTO_DIR": str(workdir / "photos"),
            "CHECKAPP_BASE_URL": f"http://127.0.0.1:{port}"}


def prepare(app_dir: Path, workdir: Path, port: int, writers: int) -> Setup:
    """Migrate and load the demo in this process, add a run per writer, sign in, count statements."""
    os.environ.update(environment(workdir, port))
    sys.path.insert(0, str(app_dir))
    from flask_migrate import upgrade
    from sqlalchemy import select

    from checkapp import create_app
    from checkapp.demo import load_demo
    from checkapp.extensions import db
    from checkapp.models import ChecklistVersion, Run, RunChecklist, User
    from checkapp.runs import services

    app = create_app()
    with app.app_context():
        upgrade()
        users = load_demo()
        run = db.session.scalar(select(Run).where(Run.status == "in_progress"))
        items = services.all_items(run)
        # An answered item of an ordinary kind: the screen a tester sees most.
        item = next(i for i in items if i.kind == "yes_no")
        versions = [link.version for link in db.session.scalars(
            select(RunChecklist).where(RunChecklist.run_id == run.id).order_by(RunChecklist.position))]
        writer_runs = []
        for n in range(writers):
            extra = services.create_run(title=f"Bench writer {n}", brief="", versions=versions,
                                        performer=users["staff"], created_by=users["manager"])
            writer_runs.append((extra.id, [i.id for i in services.all_items(extra) if i.kind == "yes_no"]))
        db.session.commit()
        ids = (run.id, item.id)
        staff_id = users["staff"].get_id()
        manager_id = db.session.scalar(select(User).where(User.role == "manager")).get_id()
        assert db.session.scalar(select(ChecklistVersion.id).limit(1)) is not None
    staff_cookie, csrf_token, staff_client = sign_in(app, staff_id, with_csrf=True)
    manager_cookie, _token, manager_client = sign_in(app, manager_id)
    setup = Setup(workdir / "checkapp.db", staff_cookie, manager_cookie, csrf_token, *ids, writer_runs)
    setup.statements = count_statements(app, db, setup, staff_client, manager_client)
    with app.app_context():
        db.engine.dispose()
    return setup


def sign_in(app, user_id: str, with_csrf: bool = False):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    token = client.get("/api/v1/csrf-token").get_json()["csrf_token"] if with_csrf else ""
    return client.get_cookie("session").value, token, client


def answer_body(item_id: int, value: bool) -> dict:
    return {"client_uuid": str(uuid.uuid4()), "item_id": item_id, "value": {"value": value}}


def count_statements(app, db, setup: Setup, staff, manager) -> dict[str, int]:
    """SQL statements of one request of each kind, after one of each to warm up."""
    from sqlalchemy import event

    counted = [0]

    def count(*_args):
        counted[0] += 1

    headers = {"X-CSRFToken": setup.csrf_token}
    requests = {
        "performing page": lambda: staff.get(f"/runs/{setup.run_id}/items/{setup.item_id}"),
        "fix list": lambda: manager.get("/fixes"),
        "dashboard": lambda: manager.get("/dashboard"),
        "answer POST": lambda: staff.post(f"/api/v1/runs/{setup.run_id}/answers", headers=headers,
                                          json=answer_body(setup.item_id, random.random() < 0.5)),
    }
    result = {}
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for name, request in requests.items():
            response = request()
            assert response.status_code < 300, (name, response.status_code, response.get_data(as_text=True)[:300])
            counted[0] = 0
            response = request()
            assert response.status_code < 300, (name, response.status_code)
            result[name] = counted[0]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return result


# --- servers ------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str
    pid: int  # gunicorn's master: its children are the workers

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the workers so far (Linux /proc; None elsewhere)."""
        try:
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
            ticks = 0
            for child in children:
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            return None
        return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def gunicorn(spec: str, chdir: Path, port: int, workers: int, env: dict, log: Path, config: Path | None = None):
    command = [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--chdir", str(chdir), "--log-level", "warning"]
    if config is not None:
        command += ["--config", str(config)]
    env = {**env, "PYTHONPATH": str(chdir)}
    with open(log, "ab") as out:
        # Started in the copy it serves: from another checkout's folder, gunicorn imported that one.
        process = subprocess.Popen([*command, spec], env=env, stdout=out, stderr=out, start_new_session=True,
                                   cwd=chdir)
    try:
        wait_until_up(port, process)
        yield Server(f"http://127.0.0.1:{port}", process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn on port {port} stopped (exit {process.returncode})")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn on port {port} did not answer within {timeout} s")


# --- load generators ----------------------------------------------------------------------------

@dataclass
class Load:
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    post_json_item: int | None = None  # POST answers to this item (a new client UUID each)


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


LUA_POST = """
local prefix = "%(prefix)s"
local counter = 0
local thread_number = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("number", threads)
end
function init(args)
  thread_number = number
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
function request()
  counter = counter + 1
  local key = string.format("%%s-%%04x-4000-8000-%%012x", prefix, thread_number, counter)
  local value = (counter %% 2 == 0) and "true" or "false"
  local body = '{"client_uuid":"' .. key .. '","item_id":%(item)d,"value":{"value":' .. value .. '}}'
  return wrk.format(nil, nil, nil, body)
end
"""

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk_load(load: Load, seconds: float, connections: int, workdir: Path) -> Result:
    command = ["wrk", "--threads", str(min(2, connections)), "--connections", str(connections),
               "--duration", f"{max(1, round(seconds))}s", "--latency", "--timeout", "10s"]
    for name, value in load.headers.items():
        command += ["--header", f"{name}: {value}"]
    if load.post_json_item is not None:
        script = workdir / f"post-{uuid.uuid4().hex[:8]}.lua"
        script.write_text(LUA_POST % {"prefix": uuid.uuid4().hex[:8], "item": load.post_json_item})
        command += ["--script", str(script)]
    output = subprocess.run([*command, load.url], capture_output=True, text=True, check=True).stdout
    percentiles = {int(p): float(v) * UNITS[u] for p, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$",
                                                                        output, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Result(rps, percentiles.get(50, float("nan")), percentiles.get(99, float("nan")), errors)


def one_request(load: Load) -> tuple[float, int]:
    address, _slash, path = load.url.split("//", 1)[1].partition("/")
    host, port = address.split(":")
    path = "/" + path
    headers = dict(load.headers)
    body = None
    if load.post_json_item is not None:
        body = json.dumps(answer_body(load.post_json_item, random.random() < 0.5))
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.connect()
        # Closed with a reset: tens of thousands of short connections a minute would otherwise leave
        # as many loopback ports in TIME_WAIT, and once they ran out every connect failed at once
        # (thousands of "errors", and an inflated req/s, on a fast run).
        connection.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RESET)
        connection.request("POST" if body else "GET", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError as error:
        status = 0
        FAILURES[type(error).__name__] += 1
    finally:
        connection.close()
    return (time.perf_counter() - started) * 1000, status


def python_load(load: Load, seconds: float, connections: int, _workdir: Path) -> Result:
    """The same measure without wrk: `connections` threads sending requests back to back."""
    latencies: list[float] = []
    errors = [0]
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()

    def loop():
        mine, failed = [], 0
        while time.perf_counter() < deadline:
            ms, status = one_request(load)
            mine.append(ms)
            if not (200 <= status < 400):
                failed += 1
                if status:  # 0: no response, counted by its exception in one_request
                    FAILURES[f"HTTP {status}"] += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=loop) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return Result(len(latencies) / elapsed, percentile(latencies, 50), percentile(latencies, 99), errors[0])


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# --- the page benchmark -------------------------------------------------------------------------

def measure_pages(setup: Setup, app_dir: Path, workdir: Path, args, generate) -> None:
    env = environment(workdir, 0)
    hello_dir = workdir / "hello"
    hello_dir.mkdir(exist_ok=True)
    (hello_dir / "hello_app.py").write_text(HELLO_APP)
    app_port, hello_port = free_port(), free_port()
    env = environment(workdir, app_port)
    staff = {"Cookie": f"session={setup.staff_cookie}", "Accept-Language": "fr"}
    manager = {"Cookie": f"session={setup.manager_cookie}", "Accept-Language": "fr"}
    with gunicorn("checkapp:create_app()", app_dir, app_port, args.workers, env, workdir / "gunicorn.log",
                  app_dir / "gunicorn.conf.py") as app, \
            gunicorn("hello_app:app", hello_dir, hello_port, args.workers, env, workdir / "hello.log") as hello_server:
        app_url, hello_url = app.url, hello_server.url
        loads = {
            "performing page": Load(f"{app_url}/runs/{setup.run_id}/items/{setup.item_id}", staff),
            "fix list": Load(f"{app_url}/fixes", manager),
            "dashboard": Load(f"{app_url}/dashboard", manager),
            "answer POST": Load(f"{app_url}/api/v1/runs/{setup.run_id}/answers",
                                {**staff, "X-CSRFToken": setup.csrf_token}, post_json_item=setup.item_id),
        }
        hello = Load(f"{hello_url}/")
        for load in (hello, *loads.values()):  # warm up: imports, compiled templates, caches
            generate(load, 1, args.connections, workdir)
        print(f"{'':<16} {'req/s':>8} {'hello/s':>8} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} {'SQL/req':>7} "
              f"{'CPU ms':>7} {'errors':>6}  load average", flush=True)
        hello_results = []
        for name, load in loads.items():
            if args.pages and name not in args.pages:
                continue
            average = load_average()
            rounds, cpu_ms = [], []
            for _round in range(args.rounds):
                base = generate(hello, args.seconds, args.connections, workdir)
                before = app.cpu_seconds()
                mine = generate(load, args.seconds, args.connections, workdir)
                after = app.cpu_seconds()
                rounds.append((base, mine))
                hello_results.append(base)
                if before is not None and after is not None and mine.rps:
                    cpu_ms.append((after - before) * 1000 / (mine.rps * args.seconds))
            cpu = f"{statistics.median(cpu_ms):>7.2f}" if cpu_ms else f"{'?':>7}"
            ratio = statistics.median(mine.rps / base.rps for base, mine in rounds)
            print(f"{name:<16} {statistics.median(m.rps for _b, m in rounds):>8.0f} "
                  f"{statistics.median(b.rps for b, _m in rounds):>8.0f} {ratio:>5.3f}x "
                  f"{statistics.median(m.p50_ms for _b, m in rounds):>7.1f} "
                  f"{statistics.median(m.p99_ms for _b, m in rounds):>7.1f} {setup.statements.get(name, '?'):>7} "
                  f"{cpu} {sum(m.errors for _b, m in rounds):>6}  {average}", flush=True)
        if FAILURES:
            print(f"errors: {dict(FAILURES)}", flush=True)
        print(f"{'hello':<16} {statistics.median(r.rps for r in hello_results):>8.0f} {'':>8} {'':>6} "
              f"{statistics.median(r.p50_ms for r in hello_results):>7.1f} "
              f"{statistics.median(r.p99_ms for r in hello_results):>7.1f} {'':>7} {'':>7} "
              f"{sum(r.errors for r in hello_results):>6}  {load_average()}", flush=True)


# --- the writers --------------------------------------------------------------------------------

def photo_bytes(target: int = 300_000) -> bytes:
    """A 1600×1200 JPEG of about `target` bytes: what a phone sends after downscaling."""
    from PIL import Image

    size = (1600, 1200)
    noise = Image.effect_noise(size, 40)
    base = Image.merge("RGB", (Image.blend(Image.linear_gradient("L").resize(size), noise, 0.3),
                               Image.blend(Image.radial_gradient("L").resize(size), noise, 0.3), noise))
    for quality in (95, 90, 85, 80, 70, 60, 50, 40):
        buffer = io.BytesIO()
        base.save(buffer, "JPEG", quality=quality)
        if buffer.tell() <= target:
            break
    return buffer.getvalue()


def multipart(fields: dict[str, str], photo: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="photo.jpg"\r\n'
                 f"Content-Type: image/jpeg\r\n\r\n".encode() + photo + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class Write:
    kind: str  # answer | photo
    client_uuid: str
    status: int
    ms: float


def writer(port: int, setup: Setup, run_id: int, item_ids: list[int], deadline: float, photo: bytes,
           think: tuple[float, float], seed: int, out: list[Write]) -> None:
    rng = random.Random(seed)
    headers = {"Cookie": f"session={setup.staff_cookie}", "X-CSRFToken": setup.csrf_token, "Accept-Language": "fr"}
    count = 0
    time.sleep(rng.uniform(0, think[1]))
    while time.monotonic() < deadline:
        count += 1
        key, item_id = str(uuid.uuid4()), rng.choice(item_ids)
        if count % 5 == 0:
            kind, path = "photo", f"/api/v1/runs/{run_id}/photos"
            body, content_type = multipart({"client_uuid": key, "item_id": str(item_id)}, photo)
        else:
            kind, path = "answer", f"/api/v1/runs/{run_id}/answers"
            body = json.dumps({"client_uuid": key, "item_id": item_id, "value": {"value": rng.random() < 0.8}})
            content_type = "application/json"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("POST", path, body=body, headers={**headers, "Content-Type": content_type})
            response = connection.getresponse()
            response.read()
            status = response.status
        except OSError:
            status = 0
        finally:
            connection.close()
        out.append(Write(kind, key, status, (time.perf_counter() - started) * 1000))
        time.sleep(rng.uniform(*think))


def measure_writers(setup: Setup, app_dir: Path, workdir: Path, args) -> None:
    port = free_port()
    env = environment(workdir, port)
    photo = photo_bytes()
    writes: list[Write] = []
    average = load_average()
    with gunicorn("checkapp:create_app()", app_dir, port, 4, env, workdir / "writers.log",
                  app_dir / "gunicorn.conf.py"):
        deadline = time.monotonic() + args.writers_seconds
        threads = [threading.Thread(target=writer, args=(port, setup, run_id, items, deadline, photo, args.think,
                                                         n, writes))
                   for n, (run_id, items) in enumerate(setup.writer_runs[:args.writers])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    acknowledged = [w for w in writes if w.status in (200, 201)]
    errors = len(writes) - len(acknowledged)
    with sqlite3.connect(setup.database) as connection:
        stored = {row[0] for row in connection.execute("SELECT client_uuid FROM answer UNION ALL "
                                                       "SELECT client_uuid FROM photo")}
    lost = sum(1 for w in acknowledged if w.client_uuid not in stored)
    statuses = sorted({w.status for w in writes if w.status not in (200, 201)})

    def line(kind: str | None) -> str:
        chosen = [w.ms for w in writes if kind is None or w.kind == kind]
        return (f"{len(chosen)} requests, p50 {percentile(chosen, 50):.0f} ms, p99 {percentile(chosen, 99):.0f} ms, "
                f"max {max(chosen, default=float('nan')):.0f} ms")

    print(f"\n{args.writers} writers for {args.writers_seconds} s, gunicorn -w 4, SQLite WAL "
          f"(each sends, {args.think[0]:g}-{args.think[1]:g} s after its last answer, an answer or, every fifth "
          f"time, a {len(photo) // 1000} KB photo)")
    print(f"  all:     {line(None)}")
    print(f"  answers: {line('answer')}")
    print(f"  photos:  {line('photo')}")
    print(f"  errors: {errors}{' (statuses ' + str(statuses) + ')' if statuses else ''}, lost writes: {lost}; "
          f"load average before {average}, after {load_average()}", flush=True)


# --- main ---------------------------------------------------------------------------------------

def describe(app_dir: Path) -> str:
    try:
        commit = subprocess.run(["git", "-C", str(app_dir), "log", "-1", "--format=%h %s"], capture_output=True,
                                text=True, check=True).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        commit = "not a git checkout"
    return f"{app_dir} ({commit[:70]})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app-dir", type=Path, default=REPO, help="the CheckApp checkout to measure")
    parser.add_argument("--seconds", type=float, default=5, help="length of each measurement")
    parser.add_argument("--rounds", type=int, default=3, help="hello/CheckApp alternations per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for the pages")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections of the load generator")
    parser.add_argument("--writers", type=int, default=50, help="testers writing at once (0: skip)")
    parser.add_argument("--writers-seconds", type=float, default=60)
    parser.add_argument("--think", type=lambda text: tuple(float(part) for part in text.split(",")), default=(1.0, 3.0),
                        help="seconds a writer waits between two writes: min,max (default 1,3)")
    parser.add_argument("--pages", type=lambda text: [name.strip() for name in text.split(",")], default=None,
                        help=f"measure only these, comma-separated: {', '.join(PAGES)}; --pages '' for none")
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator even with wrk")
    args = parser.parse_args()
    app_dir = args.app_dir.resolve()
    generate = python_load if args.python_load or shutil.which("wrk") is None else wrk_load
    workdir = Path(tempfile.mkdtemp(prefix="checkapp-throughput-"))
    try:
        print(f"CheckApp: {describe(app_dir)}")
        print(f"load generator: {'wrk -t2' if generate is wrk_load else 'Python threads'}, "
              f"{args.connections} connections, gunicorn -w {args.workers} (sync), {args.rounds} rounds of "
              f"{args.seconds:g} s alternating with hello; CPUs: {os.cpu_count()}; load average: {load_average()}",
              flush=True)
        setup = prepare(app_dir, workdir, 0, max(args.writers, 0))
        if args.pages != [""]:
            measure_pages(setup, app_dir, workdir, args, generate)
        if args.writers > 0:
            measure_writers(setup, app_dir, workdir, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
