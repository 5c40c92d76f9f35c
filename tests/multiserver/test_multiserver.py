"""Several servers on real engines, end to end: PostgreSQL, Redis and SeaweedFS (S3), two gunicorn app
servers on different ports (A, serving tests/multiserver/hooked.py's app, and B) and one job worker,
each a process of its own with the same environment, as in production.

Checked in order (one cluster for the module; each step's time goes to the report printed at the end):
a photo uploaded on A is shown on B; an answer saved on A is in B's fix list; a job enqueued by A runs
on the worker; failed logins on A and B count against one limit. Then the faults: PostgreSQL restarted
in the middle of writes, Redis stopped, the object store stopped (each: 503s that the phone's outbox
retries, nothing acknowledged lost), a worker killed in the middle of a photo upload (nothing
half-stored; the sweeper removes the orphan file), and a backup of the cluster restored elsewhere.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from PIL import Image
from sqlalchemy import create_engine, text

from tests.services import Postgres, Redis, SeaweedFS, free_ports, wait_for_port

from .conftest import REPORT

pytestmark = pytest.mark.multiserver

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BUCKET = "checkapp"
FR = {"Accept-Language": "fr"}
EN = {"Accept-Language": "en"}


@contextmanager
def step(name: str):
    started = time.monotonic()
    yield
    REPORT.append(f"{time.monotonic() - started:6.1f} s  {name}")


def note(line: str) -> None:
    REPORT.append(f"          {line}")


def jpeg(color: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), color).save(buf, "JPEG", quality=90)
    return buf.getvalue()


class Cluster:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.postgres = Postgres()
        self.redis = Redis(self._dir("redis"))
        self.seaweed = SeaweedFS(self._dir("seaweed"))
        self.port_a, self.port_b = free_ports(2)
        self.processes: dict[str, subprocess.Popen] = {}
        self.pause_file = workdir / "pause-upload"
        self.env = {
            **{key: value for key, value in os.environ.items() if not key.startswith(("CHECKAPP_", "AWS_"))},
            "CHECKAPP_ENV": "production", "SECRET_KEY": "multi-server-test-secret",
            "DATABASE_URL": self.postgres.url, "CHECKAPP_PHOTO_STORE": f"s3://{BUCKET}/photos",
            "CHECKAPP_S3_ENDPOINT": self.seaweed.endpoint, "AWS_ACCESS_KEY_ID": "checkapp",
            "AWS_SECRET_ACCESS_KEY": "checkapp-secret", "AWS_DEFAULT_REGION": "us-east-1",
            "RATELIMIT_STORAGE_URI": self.redis.url.replace("/0", "/1"), "CHECKAPP_QUEUE_URL": self.redis.url,
            "CHECKAPP_BASE_URL": f"http://127.0.0.1:{self.port_a}", "CHECKAPP_MAIL_DIR": str(workdir / "mail"),
            "MULTISERVER_PAUSE_FILE": str(self.pause_file), "PYTHONPATH": str(ROOT),
        }
        self.env.pop("DATABASE_URL_TEST", None)

    def _dir(self, name: str) -> Path:
        path = self.workdir / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def flask(self, *args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run([str(BIN / "flask"), "--app", "checkapp", *args], cwd=ROOT, env=env or self.env,
                              capture_output=True, text=True, timeout=300, check=False)
        if check and done.returncode:
            raise AssertionError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def start_web(self, name: str, port: int, app: str, workers: int) -> None:
        log = (self.workdir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers",
             str(workers), "--graceful-timeout", "3", "--timeout", "60", "--log-level", "warning", app],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def start_worker(self) -> None:
        log = (self.workdir / "worker.log").open("ab")
        self.processes["worker"] = subprocess.Popen(
            [str(BIN / "flask"), "--app", "checkapp", "worker", "--workers", "1"], cwd=ROOT, env=self.env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_for_app(self, server: str, timeout: float) -> None:
        """Until the server's /healthz answers as CheckApp does: a port that merely listens could be held by
        another process, and gunicorn retries a taken port before it gives up."""
        process, deadline = self.processes[server], time.monotonic() + timeout
        wait_for_port(self.port(server), timeout, process, f"gunicorn {server}")
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn {server} exited with {process.returncode}")
            try:
                if "checks" in requests.get(f"{self.url(server)}/healthz", timeout=5).json():
                    return
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server {server}'s /healthz did not answer as CheckApp within {timeout:.0f} s")

    def port(self, server: str) -> int:
        return self.port_a if server == "A" else self.port_b

    def url(self, server: str) -> str:
        return f"http://127.0.0.1:{self.port(server)}"

    def sql(self, query: str, **params) -> list[tuple]:
        engine = create_engine(self.postgres.url)
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.execute(text(query), params)]
        finally:
            engine.dispose()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.seaweed.stop()
        self.redis.stop()
        self.postgres.remove()

    def logs(self) -> str:
        return "\n".join(f"--- {path.name}\n" + path.read_text(errors="replace")[-3000:]
                         for path in sorted(self.workdir.glob("*.log")))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    cluster = Cluster(tmp_path_factory.mktemp("multiserver"))
    try:
        with step("start PostgreSQL, Redis and SeaweedFS (S3) on free ports"):
            cluster.postgres.init().start()
            cluster.redis.start()
            cluster.seaweed.start().ready(BUCKET)
        with step("flask db upgrade, seed users and runs"):
            cluster.flask("db", "upgrade")
            seeded = subprocess.run([sys.executable, str(Path(__file__).with_name("seed.py"))], cwd=ROOT,
                                    env=cluster.env, capture_output=True, text=True, timeout=120, check=True)
            cluster.seed = json.loads(seeded.stdout.strip().splitlines()[-1])
        with step("start app servers A (2 workers) and B (1 worker) and the job worker"):
            cluster.start_web("A", cluster.port_a, "tests.multiserver.hooked:create_app()", workers=2)
            cluster.start_web("B", cluster.port_b, "checkapp:create_app()", workers=1)
            cluster.start_worker()
            for server in "AB":
                cluster.wait_for_app(server, 60)
        yield cluster
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        cluster.stop()


def form_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def failed_login(base: str, email: str, headers=EN, password: str = "not the password") -> requests.Response:
    http = requests.Session()
    http.headers.update(headers)
    token = form_token(http.get(f"{base}/login", timeout=30).text)
    return http.post(f"{base}/login", data={"csrf_token": token, "email": email, "password": password}, timeout=30)


class Phone:
    """A signed-in person on one server: cookies, the CSRF token, the API."""

    def __init__(self, cluster: Cluster, server: str, email: str, password: str, headers=EN):
        self.base, self.http = cluster.url(server), requests.Session()
        self.http.headers.update(headers)
        page = self.http.get(f"{self.base}/login", timeout=30)
        response = self.http.post(f"{self.base}/login", data={"csrf_token": form_token(page.text), "email": email,
                                                               "password": password}, timeout=30)
        assert response.status_code == 200 and "/login" not in response.url, response.text[:500]
        self.refresh_token()

    def refresh_token(self) -> None:
        self.token = self.http.get(f"{self.base}/api/v1/csrf-token", timeout=30).json()["csrf_token"]

    def post(self, path: str, **kwargs) -> requests.Response:
        headers = {"X-CSRFToken": self.token, "Accept": "application/json", **kwargs.pop("headers", {})}
        return self.http.post(f"{self.base}{path}", headers=headers, timeout=kwargs.pop("timeout", 30), **kwargs)

    def form(self, path: str, data: dict) -> requests.Response:
        return self.http.post(f"{self.base}{path}", data={"csrf_token": self.token, **data}, timeout=30)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(f"{self.base}{path}", timeout=30, **kwargs)

    def answer(self, run_id: int, item_id: int, value, key: str | None = None) -> requests.Response:
        return self.post(f"/api/v1/runs/{run_id}/answers",
                         json={"item_id": item_id, "value": value, "client_uuid": key or str(uuid.uuid4())})

    def photo(self, run_id: int, item_id: int, blob: bytes, key: str, **kwargs) -> requests.Response:
        return self.post(f"/api/v1/runs/{run_id}/photos", data={"item_id": item_id, "client_uuid": key},
                         files={"photo": ("photo.jpg", blob, "image/jpeg")}, **kwargs)


def staff_on(cluster, server, headers=EN) -> Phone:
    return Phone(cluster, server, "staff@example.org", "staff-password-1", headers)


def manager_on(cluster, server) -> Phone:
    return Phone(cluster, server, "manager@example.org", "manager-password-1")


def stored_photo_keys(cluster) -> set[str]:
    return {f"photos/{name}" for (display, thumb) in cluster.sql("SELECT display_name, thumb_name FROM photo")
            for name in (display, thumb)}


def bucket_keys(cluster) -> set[str]:
    return set(cluster.seaweed.keys(BUCKET, "photos/"))


# --- the servers share everything -------------------------------------------------------------------

def test_both_servers_are_healthy(cluster):
    with step("/healthz on A and B: database, photo store, Redis, queue"):
        for server in "AB":
            response = requests.get(f"{cluster.url(server)}/healthz", timeout=30)
            assert response.status_code == 200, response.text
            assert response.json()["checks"] == {"database": "ok", "photo_store": "ok", "redis": "ok", "queue": "ok"}


def test_a_photo_uploaded_on_a_is_shown_to_the_manager_on_b(cluster):
    run_id, photo_item = cluster.seed["runs"]["main"], cluster.seed["items"][2]
    with step("photo uploaded by the tester on A, shown to the manager on B"):
        tester = staff_on(cluster, "A")
        response = tester.photo(run_id, photo_item, jpeg((30, 120, 200)), str(uuid.uuid4()))
        assert response.status_code == 201, response.text
        photo_id = response.json()["id"]
        manager = manager_on(cluster, "B")
        served = manager.get(f"/photos/{photo_id}/display")
        assert served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
        (display,) = cluster.sql("SELECT display_name FROM photo WHERE id = :id", id=photo_id)[0]
        stored = cluster.seaweed.client().get_object(Bucket=BUCKET, Key=f"photos/{display}")["Body"].read()
        assert served.content == stored
        assert requests.get(f"{cluster.url('B')}/photos/{photo_id}/display", timeout=30).status_code == 404


def test_an_answer_saved_on_a_is_in_the_fix_list_on_b(cluster):
    run_id, (number_item, label_item, _photo) = cluster.seed["runs"]["main"], cluster.seed["items"]
    question = "Was the parcel delivered within the promised time?"
    with step("the fix list shown on B (and kept by B's one worker) before anything failed"):
        manager = manager_on(cluster, "B")
        for _ in range(2):
            before = manager.get("/fixes")
            assert before.status_code == 200 and question not in before.text
    with step("mismatch answered and run sent on A, accepted on A, and in the fix list on B"):
        tester = staff_on(cluster, "A")
        assert tester.answer(run_id, number_item, {"value": 6}).status_code == 201  # promised within 3 days
        assert tester.answer(run_id, label_item, {"value": True}).status_code == 201
        sent = tester.post(f"/api/v1/runs/{run_id}/submit", json={"client_uuid": str(uuid.uuid4())})
        assert sent.status_code == 200 and sent.json()["status"] == "submitted", sent.text
        reviewer = manager_on(cluster, "A")
        assert reviewer.form(f"/review/runs/{run_id}/accept", {}).status_code == 200
        # B kept its page; the acceptance on A renewed the data generation B checks (checkapp/pagecache).
        assert question in manager.get("/fixes").text
        csv = manager.get("/fixes/export.csv").content.decode("utf-8")
        row = next(line for line in csv.splitlines() if question in line)
        assert "1/1" in row  # failed once, in the one run checked


def test_a_job_enqueued_by_a_runs_on_the_worker(cluster):
    with step("invite emailed from A: queued in Redis, delivered by the worker"):
        manager = manager_on(cluster, "A")
        response = manager.form(f"/runs/{cluster.seed['runs']['invite']}/invites",
                                {"tester_name": "Inès", "tester_email": "ines@example.org", "days": "7",
                                 "tester_locale": "fr"})
        assert response.status_code == 200
        assert wait_for(lambda: cluster.sql("SELECT status FROM outgoing_email WHERE \"to\" = 'ines@example.org'")
                        == [("written",)], 30), (cluster.sql("SELECT * FROM outgoing_email"), cluster.logs(),
                                                 response.text[-3000:])
        assert len(list((cluster.workdir / "mail").glob("*-invite.eml"))) == 1


def wait_for(condition, timeout: float, every: float = 0.3) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


def test_failed_logins_on_a_and_b_count_against_one_limit(cluster):
    with step("failed logins: 3 on A and 2 on B, the 6th is refused on either (5 per minute per account)"):
        # An account of its own: the others must still sign in after this.
        statuses = [failed_login(cluster.url(server), "intruder@example.org").status_code for server in "AABBBA"]
        assert statuses[:5] != [429] * 5 and 429 not in statuses[:5]
        assert statuses[5] == 429, statuses
        note(f"statuses, A A B B B | A: {statuses}")


# --- faults ---------------------------------------------------------------------------------------------

def writes_during(cluster, action, seconds_after: float = 3.0) -> tuple[dict[str, list[int]], list[str]]:
    """Answers posted from two phones (one per server) in a loop while `action` runs, until
    `seconds_after` after it: {client_uuid: statuses} and the order they were sent in."""
    run_id, item_id = cluster.seed["runs"]["writes"], cluster.seed["items"][0]
    phones = {"A": staff_on(cluster, "A"), "B": staff_on(cluster, "B")}
    results: dict[str, list[int]] = {}
    done = threading.Event()

    def write(server):
        phone, number = phones[server], 0
        while not done.is_set():
            key, number = str(uuid.uuid4()), number + 1
            try:
                status = phone.answer(run_id, item_id, {"value": number % 7}, key).status_code
            except requests.RequestException:
                status = 0
            results[key] = [status]
            time.sleep(0.05)

    threads = [threading.Thread(target=write, args=(server,)) for server in "AB"]
    for thread in threads:
        thread.start()
    time.sleep(1)
    action()
    time.sleep(seconds_after)
    done.set()
    for thread in threads:
        thread.join(timeout=60)
    # The outbox: whatever was not acknowledged is sent again, with its own client_uuid, until it is.
    for key, statuses in results.items():
        while statuses[-1] not in (200, 201) and len(statuses) < 20:
            if len(statuses) > 1:
                time.sleep(0.5)
            try:
                statuses.append(phones["A"].answer(run_id, item_id, {"value": 1}, key).status_code)
            except requests.RequestException:
                statuses.append(0)
    return results, list(results)


def check_nothing_acknowledged_was_lost(cluster, results) -> Counter:
    stored = {key for (key,) in cluster.sql("SELECT client_uuid FROM answer")}
    acknowledged = {key for key, statuses in results.items() if set(statuses) & {200, 201}}
    assert acknowledged == set(results)  # every write was acknowledged in the end (first try or a retry)
    assert acknowledged <= stored        # and every acknowledged one is stored, once (client_uuid is unique)
    return Counter(status for statuses in results.values() for status in statuses)


def test_postgresql_restarted_in_the_middle_of_writes(cluster):
    with step("PostgreSQL restarted (pg_ctl restart -m fast) while two phones write answers on A and B"):
        timings = {}

        def restart():
            started = time.monotonic()
            cluster.postgres.stop("fast")
            time.sleep(1)
            cluster.postgres.start()
            timings["down"] = time.monotonic() - started

        results, _order = writes_during(cluster, restart)
        seen = check_nothing_acknowledged_was_lost(cluster, results)
        assert set(seen) <= {200, 201, 503}, seen  # a clear 503 while it was down, never a 500
        assert seen[503] > 0, seen
        note(f"{len(results)} answers sent; statuses seen {dict(seen)}; database down {timings['down']:.1f} s; "
             f"every 503 retried by the outbox and stored once; 0 acknowledged answers lost")
        for server in "AB":
            assert requests.get(f"{cluster.url(server)}/healthz", timeout=30).status_code == 200


def test_redis_stopped(cluster):
    with step("Redis stopped: logins 503, answers still saved, an emailed invite kept until Redis is back"):
        tester, manager = staff_on(cluster, "A"), manager_on(cluster, "B")
        cluster.redis.stop()
        health = requests.get(f"{cluster.url('A')}/healthz", timeout=30)
        assert health.status_code == 503
        assert health.json()["checks"] == {"database": "ok", "photo_store": "ok", "redis": "down",
                                                "queue": "down"}
        login = failed_login(cluster.url("B"), "staff@example.org", FR, password="staff-password-1")
        assert login.status_code == 503 and "Temporairement indisponible" in login.text
        answer = tester.answer(cluster.seed["runs"]["writes"], cluster.seed["items"][1], {"value": True})
        assert answer.status_code == 201
        invite = manager.form(f"/runs/{cluster.seed['runs']['invite']}/invites",
                              {"tester_name": "Zoé", "tester_email": "zoe@example.org", "days": "7",
                               "tester_locale": "fr"})
        assert invite.status_code == 200  # committed; its email waits in job_backlog
        assert cluster.sql("SELECT count(*) FROM job_backlog") == [(1,)]
        cluster.redis.start()
        started = time.monotonic()
        assert wait_for(lambda: cluster.sql("SELECT status FROM outgoing_email WHERE \"to\" = 'zoe@example.org'")
                        == [("written",)], 75), cluster.logs()
        note(f"login 503 (French page), answer 201, invite saved; its email waited in job_backlog and was "
             f"delivered {time.monotonic() - started:.0f} s after Redis came back (the worker drains it every minute)")


def test_object_store_stopped(cluster):
    run_id, photo_item = cluster.seed["runs"]["writes"], cluster.seed["items"][2]
    with step("object store stopped: photo upload 503 (kept on the phone), answers saved, retried once back"):
        tester = staff_on(cluster, "A", headers=FR)
        before = tester.photo(run_id, photo_item, jpeg((200, 200, 30)), str(uuid.uuid4()))
        assert before.status_code == 201
        cluster.seaweed.stop()
        key = str(uuid.uuid4())
        refused = tester.photo(run_id, photo_item, jpeg((10, 200, 30)), key)
        assert refused.status_code == 503
        assert "le stockage des photos est injoignable" in refused.json()["error"]["message"]
        assert requests.get(f"{cluster.url('B')}/healthz", timeout=30).json()["checks"]["photo_store"] == "down"
        manager = manager_on(cluster, "B")
        assert manager.get(f"/photos/{before.json()['id']}/thumb").status_code == 503
        assert tester.answer(run_id, cluster.seed["items"][1], {"value": False}).status_code == 201
        cluster.seaweed.start().ready(BUCKET)
        retried = tester.photo(run_id, photo_item, jpeg((10, 200, 30)), key)
        assert retried.status_code == 201
        assert manager.get(f"/photos/{before.json()['id']}/thumb").status_code == 200  # nothing stored was lost
        assert manager.get(f"/photos/{retried.json()['id']}/display").status_code == 200
        assert stored_photo_keys(cluster) <= bucket_keys(cluster)
        note("upload 503 with the French message, photo GET 503, answer 201; after restart the same client_uuid "
             "stored once, every earlier photo still served")


def test_a_worker_killed_in_the_middle_of_a_photo_upload_leaves_nothing_half_stored(cluster):
    run_id, photo_item = cluster.seed["runs"]["photos"], cluster.seed["items"][2]
    with step("gunicorn worker on A killed (SIGKILL) after the photo's first object, before its thumbnail and row"):
        tester = staff_on(cluster, "A")
        key, blob, outcome = str(uuid.uuid4()), jpeg((120, 30, 90)), {}
        cluster.pause_file.write_text("pause")
        pid_file = Path(f"{cluster.pause_file}.pid")

        def send():
            try:
                outcome["status"] = tester.photo(run_id, photo_item, blob, key, timeout=90).status_code
            except requests.RequestException as error:
                outcome["error"] = type(error).__name__

        sender = threading.Thread(target=send)
        sender.start()
        assert wait_for(pid_file.exists, 30)
        os.kill(int(pid_file.read_text()), signal.SIGKILL)
        sender.join(timeout=60)
        cluster.pause_file.unlink()
        pid_file.unlink()
        assert "status" not in outcome or outcome["status"] >= 500, outcome  # never acknowledged
        assert cluster.sql("SELECT count(*) FROM photo WHERE client_uuid = :key", key=key) == [(0,)]
        orphans = bucket_keys(cluster) - stored_photo_keys(cluster)
        assert len(orphans) == 1 and not next(iter(orphans)).endswith("_thumb.jpg")  # the display file only

        retried = tester.photo(run_id, photo_item, blob, key)  # the outbox sends it again
        assert retried.status_code == 201
        assert cluster.sql("SELECT count(*) FROM photo WHERE client_uuid = :key", key=key) == [(1,)]
        swept = cluster.flask("photos", "sweep", "--older-than", "0")
        assert "1 orphan file(s) removed" in swept.stdout
        assert bucket_keys(cluster) == stored_photo_keys(cluster)  # every row's two files, nothing else
        note(f"the phone saw {outcome}; no row; one orphan object (the display file) until "
             f"`photos sweep` removed it; the retry stored the photo once")


def test_backup_of_the_cluster_restores_elsewhere(cluster):
    with step("flask backup (pg_dump in an exported snapshot + S3 photos), restore --verify, restore elsewhere"):
        archive = cluster.workdir / "cluster.backup"
        made = cluster.flask("backup", str(archive))
        assert "Backup written" in made.stdout
        assert "every checksum verified" in cluster.flask("restore", "--verify", str(archive)).stdout
        database = cluster.postgres.create_database("restored")
        env = {**cluster.env, "DATABASE_URL": database, "CHECKAPP_PHOTO_STORE": f"s3://{BUCKET}/restored"}
        restored = cluster.flask("restore", str(archive), env=env)
        assert "counts and checksums verified" in restored.stdout
        original = hashlib.sha256(json.dumps(sorted(tuple(row) for row in cluster.sql(
            "SELECT client_uuid, outcome FROM answer"))).encode()).hexdigest()
        engine = create_engine(database)
        with engine.connect() as connection:
            copy = hashlib.sha256(json.dumps(sorted(tuple(row) for row in connection.execute(text(
                "SELECT client_uuid, outcome FROM answer")).all())).encode()).hexdigest()
        engine.dispose()
        assert copy == original
        note(made.stdout.strip().splitlines()[-1])
