"""Time the fix list and the dashboard as the answers pile up (run by hand; prints figures).

    .venv/bin/python bench/fix_list.py                          # SQLite temp file: 1k, 10k, 100k answers
    DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/fix_list.py --sizes 100000,1000000
                                                                # PostgreSQL (its tables are dropped!)
    .venv/bin/python bench/fix_list.py --app-dir /tmp/base      # another copy of CheckApp (before/after)

Fills a fresh database: ~200 promises (item keys) over 20 checklists, two versions each (same keys),
runs of 20 answers each (half of them superseded history rows; 50,000 runs at 1M answers) submitted
over the last 365 days, nine in ten accepted, with mismatch rates from 2 % to 40 % per promise, some
mismatches overridden. The sizes are reached one after the other by adding runs, generated a few
thousand at a time (never all in memory) and written with COPY on PostgreSQL, in chunks of
executemany on SQLite. The first 400 accepted runs go through the fix workflow (fixes opened), and
where the code keeps promise statistics (checkapp.stats) they are rebuilt from the answers, as
`flask --app checkapp stats rebuild` does (its time is printed).

Then /fixes and /dashboard are requested through the test client as a manager: one warm-up, then
`--repeat` (5) timed requests each, rendered again each time (the kept pages of checkapp/pagecache
are forgotten before each request: what a manager waits for after any change); it prints the
median, the spread (min–max) and the SQL statements of one such request, then the median of
`--repeat` requests served again from the kept page ("kept ms").
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

DEFAULT_SIZES = "1000,10000,100000"
PER_RUN = 20
CHECKLISTS = 20
ITEMS_PER_CHECKLIST = 10
RUNS_PER_CHUNK = 2_500  # 50,000 answers in memory at a time
ANSWER_COLUMNS = ("client_uuid", "run_id", "item_id", "item_key", "is_current", "value", "note", "outcome",
                  "gap", "detail", "answered_at", "given_at", "override_reason")


def make_app():
    from checkapp import config, create_app

    tmp = tempfile.mkdtemp(prefix="checkapp-bench-")
    settings = config.for_tests(tmp)
    settings["TESTING"] = False
    if os.environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = config.database_url(tmp)
    return create_app(settings)


class Filler:
    """Adds runs and their answers to the database until it holds `target` answers."""

    def __init__(self, db, rng: random.Random):
        self.db, self.rng = db, rng
        self.runs = 0
        self.now = None
        self.catalogue: list[list] = []
        self.rates: dict[str, float] = {}

    def reset(self) -> None:
        from sqlalchemy import text

        from checkapp.models import User, utcnow

        db = self.db
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.create_all()
        manager = User(email="bench@example.org", name="Bench", role="manager")
        manager.set_password("bench-password-123", "pbkdf2:sha256:1000")
        db.session.add(manager)
        self.catalogue = self.build_catalogue()
        self.rates = {key: self.rng.choice((0.02, 0.05, 0.1, 0.2, 0.4))
                      for versions in self.catalogue for _item_id, key in versions[0][1]}
        self.now = utcnow()
        db.session.commit()

    def build_catalogue(self) -> list[list]:
        """20 checklists × 2 versions × 10 items sharing keys across versions: 200 promises.
        Per checklist: [(version id, [(item id, item key), …]), …] (plain values: they outlive the session)."""
        from checkapp.glossary import AREAS, DEPARTMENTS, STAGES
        from checkapp.models import CheckItem, Checklist, ChecklistVersion

        rng, catalogue = self.rng, []
        for c in range(CHECKLISTS):
            checklist = Checklist(area=list(AREAS)[c % len(AREAS)])
            keys = [str(uuid.uuid4()) for _ in range(ITEMS_PER_CHECKLIST)]
            versions = []
            for number in (1, 2):
                version = ChecklistVersion(checklist=checklist, number=number, name=f"Checklist {c} v{number}")
                for position, key in enumerate(keys):
                    version.items.append(CheckItem(
                        item_key=key, position=position, question=f"Question {c}.{position} v{number}",
                        promise="As promised", kind="number", expected={"op": "le", "value": 3}, unit="days",
                        severity=rng.randint(1, 5), stage=rng.choice(list(STAGES)),
                        department=rng.choice(list(DEPARTMENTS))))
                versions.append(version)
            self.db.session.add(checklist)
            catalogue.append(versions)
        self.db.session.flush()
        return [[(version.id, [(item.id, item.item_key) for item in version.items]) for version in versions]
                for versions in catalogue]

    def grow(self, target_answers: int) -> None:
        while self.runs * PER_RUN < target_answers:
            count = min(RUNS_PER_CHUNK, target_answers // PER_RUN - self.runs)
            if count <= 0:
                break
            self.write_chunk(self.runs + 1, count)
            self.runs += count

    def write_chunk(self, first: int, count: int) -> None:
        from sqlalchemy import insert

        from checkapp.models import Run, RunChecklist, new_inbox_token

        runs, links, answers = [], [], []
        for run_id in range(first, first + count):
            run, link, rows = self.make_run(run_id)
            runs.append({**run, "inbox_token": new_inbox_token()})
            links.append(link)
            answers.extend(rows)
        self.db.session.execute(insert(Run), runs)
        self.db.session.execute(insert(RunChecklist), links)
        self.write_answers(answers)
        self.db.session.commit()

    def make_run(self, run_id: int):
        rng = self.rng
        versions = self.catalogue[run_id % CHECKLISTS]
        version = versions[1] if run_id % 3 else versions[0]
        status = "accepted" if run_id % 10 else rng.choice(("submitted", "in_progress", "returned"))
        submitted = self.now - timedelta(days=rng.uniform(0, 365), minutes=run_id % 60)
        run = dict(id=run_id, title=f"Run {run_id}", brief="", status=status, created_at=submitted,
                   submitted_at=submitted, recommend_score=rng.randint(0, 10) if run_id % 4 else None, comment="")
        version_id, items = version
        link = dict(run_id=run_id, version_id=version_id, position=0)
        rows = []
        for index in range(PER_RUN):
            item_id, item_key = items[index % ITEMS_PER_CHECKLIST]
            history = index >= ITEMS_PER_CHECKLIST  # second half: superseded history rows
            roll = rng.random()
            outcome = "na" if roll < 0.05 else ("mismatch" if roll < 0.05 + self.rates[item_key] else "pass")
            gap = float(rng.randint(1, 6)) if outcome == "mismatch" else (0.0 if outcome == "pass" else None)
            overridden = "misread" if outcome == "mismatch" and rng.random() < 0.05 else None
            rows.append((str(uuid.UUID(int=rng.getrandbits(128))), run_id, item_id, item_key, not history,
                         "{}", "", outcome, gap, "{}", submitted, submitted, overridden))
        return run, link, rows

    def write_answers(self, rows: list[tuple]) -> None:
        connection = self.db.session.connection()
        if connection.dialect.name == "postgresql":
            cursor = connection.connection.driver_connection.cursor()
            with cursor.copy(f"COPY answer ({', '.join(ANSWER_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join("?" for _ in ANSWER_COLUMNS)
        sql = f"INSERT INTO answer ({', '.join(ANSWER_COLUMNS)}) VALUES ({placeholders})"
        for start in range(0, len(rows), 10_000):
            connection.exec_driver_sql(sql, rows[start:start + 10_000])

    def open_fixes(self) -> None:
        """The first 400 accepted runs through the fix workflow: the list has fixes with a status."""
        from sqlalchemy import select

        from checkapp.fixes.services import apply_accepted_run
        from checkapp.models import Run

        for run in self.db.session.scalars(select(Run).where(Run.status == "accepted")
                                           .order_by(Run.submitted_at).limit(400)):
            apply_accepted_run(run)
        self.db.session.commit()


def rebuild_stats(db) -> float | None:
    """Seconds to rebuild the promise statistics, or None when this copy of the code keeps none."""
    import checkapp

    # Not an ImportError test: the editable install would find the package in the working copy.
    if not (Path(checkapp.__file__).parent / "stats").is_dir():
        return None
    from checkapp.stats import services as stats

    started = time.perf_counter()
    stats.rebuild()
    db.session.commit()
    return time.perf_counter() - started


def analyze(db) -> None:
    from sqlalchemy import text

    if db.engine.dialect.name == "postgresql":
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def forget_kept_pages(app) -> None:
    """Empty the whole-page cache, where this copy of the code has one."""
    try:
        from checkapp.extensions import pages
    except ImportError:
        return
    with app.app_context():
        pages.clear()


def timed(app, client, path: str, repeat: int, kept: bool = False) -> list[float]:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(repeat):
        if not kept:
            forget_kept_pages(app)
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def statements(app, client, path: str) -> int:
    from sqlalchemy import event

    from checkapp.extensions import db

    counted = [0]

    def count(*_args):
        counted[0] += 1

    with app.app_context():
        engine = db.engine
    forget_kept_pages(app)
    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return counted[0]


def spread(times: list[float]) -> str:
    return f"{statistics.median(times):>7.1f} ({min(times):.1f}–{max(times):.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="answers to reach, in order (comma-separated)")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page and size")
    parser.add_argument("--app-dir", default=str(Path(__file__).resolve().parent.parent),
                        help="the copy of CheckApp to measure")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.app_dir).resolve()))
    from sqlalchemy import func, select

    from checkapp.extensions import db
    from checkapp.models import Fix, User

    app = make_app()
    rng = random.Random(7)
    filler = Filler(db, rng)
    with app.app_context():
        print(f"database: {db.engine.dialect.name}; code: {args.app_dir}; {args.repeat} requests per figure, "
              "median (min–max) ms", flush=True)
        filler.reset()
        manager_id = db.session.scalar(select(User)).get_id()
        db.session.remove()
    print(f"{'answers':>8} {'runs':>6} {'fixes':>5} {'fill s':>6} {'stats s':>7} "
          f"{'/fixes ms':>22} {'SQL':>4} {'kept ms':>7} {'/dashboard ms':>22} {'SQL':>4} {'kept ms':>7}", flush=True)
    fixes_opened = False
    for size in (int(s) for s in args.sizes.split(",")):
        with app.app_context():  # requests below run in their own app contexts, as in production
            started = time.perf_counter()
            filler.grow(size)
            if not fixes_opened:
                filler.open_fixes()
                fixes_opened = True
            filled = time.perf_counter() - started
            rebuilt = rebuild_stats(db)
            analyze(db)
            fixes = db.session.scalar(select(func.count()).select_from(Fix))
            db.session.remove()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = manager_id
            session["_fresh"] = True
        figures = {path: (timed(app, client, path, args.repeat), statements(app, client, path),
                          statistics.median(timed(app, client, path, args.repeat, kept=True)))
                   for path in ("/fixes", "/dashboard")}
        print(f"{size:>8} {filler.runs:>6} {fixes:>5} {filled:>6.1f} "
              f"{'-' if rebuilt is None else f'{rebuilt:.1f}':>7} "
              + " ".join(f"{spread(times):>22} {count:>4} {kept:>7.1f}" for times, count, kept in figures.values()),
              flush=True)
    with app.app_context():
        db.drop_all()


if __name__ == "__main__":
    main()
