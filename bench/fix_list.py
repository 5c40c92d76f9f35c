"""Time the fix list and the dashboard at 1k, 10k and 100k answers (run by hand; prints figures).

    .venv/bin/python bench/fix_list.py                # SQLite temp file
    DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/fix_list.py   # PostgreSQL (tables dropped!)

Fills a fresh database with bulk inserts: ~200 promises (item keys) over 20 checklists, two
versions each (same keys), runs of 20 answers each (5,000 runs at 100k answers), mostly
accepted, with mismatch rates from 2 % to 40 % per promise, some overridden, some history rows.
Then renders /fixes and /dashboard through the test client as a manager, and prints the
median of 7 requests each (after one warm-up).
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text

from checkapp import config, create_app
from checkapp.extensions import db
from checkapp.glossary import AREAS, DEPARTMENTS, STAGES
from checkapp.models import Answer, CheckItem, Checklist, ChecklistVersion, Run, RunChecklist, User, utcnow

SIZES = (1_000, 10_000, 100_000)
PER_RUN = 20
CHECKLISTS = 20
ITEMS_PER_CHECKLIST = 10
REQUESTS = 7


def make_app():
    tmp = tempfile.mkdtemp(prefix="checkapp-bench-")
    settings = config.for_tests(tmp)
    settings["TESTING"] = False
    if os.environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = config.database_url(tmp)
    app = create_app(settings)
    return app


def build_catalogue(rng):
    """20 checklists × 2 versions × 10 items sharing keys across versions: 200 promises."""
    items_by_checklist = []
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
        db.session.add(checklist)
        items_by_checklist.append(versions)
    db.session.flush()
    return items_by_checklist


def fill(target_answers: int, rng) -> None:
    db.drop_all()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()
    db.create_all()
    manager = User(email="bench@example.org", name="Bench", role="manager")
    manager.set_password("bench-password-123", "pbkdf2:sha256:1000")
    db.session.add(manager)
    catalogue = build_catalogue(rng)
    rates = {item.item_key: rng.choice((0.02, 0.05, 0.1, 0.2, 0.4))
             for versions in catalogue for item in versions[0].items}
    runs = target_answers // PER_RUN
    now = utcnow()
    run_rows, link_rows, answer_rows = [], [], []
    for run_id in range(1, runs + 1):
        versions = catalogue[run_id % CHECKLISTS]
        version = versions[1] if run_id % 3 else versions[0]
        status = "accepted" if run_id % 10 else rng.choice(("submitted", "in_progress", "returned"))
        submitted = now - timedelta(days=rng.uniform(0, 365), minutes=run_id % 60)
        run_rows.append(dict(id=run_id, title=f"Run {run_id}", brief="", status=status, created_at=submitted,
                             submitted_at=submitted, recommend_score=rng.randint(0, 10) if run_id % 4 else None,
                             comment=""))
        link_rows.append(dict(run_id=run_id, version_id=version.id, position=0))
        for index in range(PER_RUN):
            item = version.items[index % ITEMS_PER_CHECKLIST]
            history = index >= ITEMS_PER_CHECKLIST  # second half: superseded history rows
            roll = rng.random()
            outcome = "na" if roll < 0.05 else ("mismatch" if roll < 0.05 + rates[item.item_key] else "pass")
            answer_rows.append(dict(
                client_uuid=str(uuid.UUID(int=rng.getrandbits(128))), run_id=run_id, item_id=item.id,
                item_key=item.item_key, is_current=not history, value={}, note="", outcome=outcome,
                gap=float(rng.randint(1, 6)) if outcome == "mismatch" else (0.0 if outcome == "pass" else None),
                detail={}, answered_at=submitted,
                override_reason="misread" if outcome == "mismatch" and rng.random() < 0.05 else None))
    db.session.execute(insert(Run), run_rows)
    db.session.execute(insert(RunChecklist), link_rows)
    for start in range(0, len(answer_rows), 20_000):
        db.session.execute(insert(Answer), answer_rows[start:start + 20_000])
    db.session.commit()
    from checkapp.fixes.services import apply_accepted_run
    for run in db.session.query(Run).filter(Run.status == "accepted").order_by(Run.submitted_at).limit(400):
        apply_accepted_run(run)
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def median_ms(client, path: str) -> float:
    assert client.get(path).status_code == 200
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times)


def main() -> None:
    app = make_app()
    rng = random.Random(7)
    with app.app_context():
        print(f"database: {db.engine.dialect.name}")
    print(f"{'answers':>8} {'runs':>6} {'fixes':>6} {'fill s':>7} {'/fixes ms':>10} {'/dashboard ms':>14}")
    for size in SIZES:
        with app.app_context():  # requests below run in their own app contexts, as in production
            started = time.perf_counter()
            fill(size, rng)
            filled = time.perf_counter() - started
            manager_id = db.session.query(User.id).scalar()
            fixes = db.session.execute(text("SELECT COUNT(*) FROM fix")).scalar()
            db.session.remove()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(manager_id)
            session["_fresh"] = True
        fix_ms = median_ms(client, "/fixes")
        dash_ms = median_ms(client, "/dashboard")
        print(f"{size:>8} {size // PER_RUN:>6} {fixes:>6} {filled:>7.1f} {fix_ms:>10.1f} {dash_ms:>14.1f}", flush=True)
    with app.app_context():
        db.drop_all()


if __name__ == "__main__":
    main()
