"""Check that two copies of CheckApp show the same fix pages on the same data (run by hand).

    .venv/bin/python bench/same_pages.py --before /tmp/base       # e.g. `git archive main | tar -x -C /tmp/base`
                                                                 # then `pybabel compile -d checkapp/translations` there

Fills a SQLite database with this copy's bench/fix_list.py generator (20,000 answers by default, with
owners, efforts, statuses and due dates on the fixes), then renders with each copy, as a manager, in
French and English: the fix list (every sort, each filter, pages 1, 2 and one past the last), the
dashboard, the printable list, the CSV export and the first fixes' pages. It compares the bodies with
the CSRF tokens and the SVG charts' running ids taken out, prints the pages that differ and exits 1 if
any does. Both copies read the same database file: the older one simply ignores tables it does not know.
"""
from __future__ import annotations

import argparse
import difflib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SORTS = ("severity", "stage", "department", "status", "owner", "last_seen", "due_date")
URLS = ["/fixes", "/fixes?page=2", "/fixes?page=99", "/dashboard", "/fixes/print", "/fixes/export.csv",
        "/fixes?department=logistics", "/fixes?stage=delivery&sort=severity", "/fixes?status=open",
        "/fixes?owner=bob_2", "/fixes?owner=%25", "/fixes?area=delivery&sort=last_seen", "/fixes?kind=mismatch",
        *(f"/fixes?sort={sort}" for sort in SORTS)]
VOLATILE = (
    (re.compile(r'(name="csrf_token" (?:type="hidden" )?value=|name="csrf-token" content=)"[^"]*"'), r'\1"…"'),
    (re.compile(r"chart-\d+-"), "chart-N-"),
    (re.compile(r"\?v=[0-9a-f]+"), "?v=…"),  # asset and words versions: they hash the code
)


def fill(app_dir: Path, database: Path, answers: int) -> None:
    """In this process: the bench generator, then a few fix fields set by hand."""
    import datetime
    import random

    sys.path[:0] = [str(HERE), str(app_dir)]
    import fix_list
    from sqlalchemy import select

    from checkapp.extensions import db
    from checkapp.models import Fix

    app = app_for(database)
    with app.app_context():
        filler = fix_list.Filler(db, random.Random(3))
        filler.reset()
        filler.grow(answers)
        filler.open_fixes()
        fix_list.rebuild_stats(db)
        for i, fix in enumerate(db.session.scalars(select(Fix).order_by(Fix.id))):
            fix.owner = ("Alice Martin", "", "bob_2 100%", "Zoé")[i % 4]
            fix.effort = (None, "small", "medium", "large")[i % 4]
            fix.status = ("open", "in_progress", "done", "open", "verified")[i % 5]
            fix.due_date = datetime.date(2026, 1, 1) + datetime.timedelta(days=37 * i) if i % 3 else None
        db.session.commit()


def app_for(database: Path):
    from checkapp import config, create_app

    settings = config.for_tests(tempfile.mkdtemp(prefix="checkapp-same-"))
    settings["TESTING"] = False
    settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    return create_app(settings)


def render(app_dir: Path, database: Path, out: Path) -> None:
    """In this process: every page, into `out`, one file per page and language."""
    sys.path.insert(0, str(app_dir))
    from sqlalchemy import select

    from checkapp.extensions import db
    from checkapp.models import Fix, User

    app = app_for(database)
    with app.app_context():
        manager = db.session.scalar(select(User).where(User.role == "manager")).get_id()
        fixes = db.session.scalars(select(Fix.id).order_by(Fix.id).limit(6)).all()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = manager
        session["_fresh"] = True
    out.mkdir(parents=True, exist_ok=True)
    for language in ("fr", "en"):
        for number, url in enumerate([*URLS, *(f"/fixes/{fix}" for fix in fixes)]):
            response = client.get(url, headers={"Accept-Language": language})
            body = response.get_data(as_text=True)
            for pattern, replacement in VOLATILE:
                body = pattern.sub(replacement, body)
            (out / f"{language}-{number:02d}.txt").write_text(f"{url} {response.status_code}\n{body}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="the other copy of CheckApp")
    parser.add_argument("--after", type=Path, default=REPO, help="this copy by default")
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--step", choices=("fill", "render"), help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "fill":
        return fill(args.after, args.database, args.answers)
    if args.step == "render":
        return render(args.after, args.database, args.out)
    work = Path(tempfile.mkdtemp(prefix="checkapp-same-pages-"))
    database = work / "checkapp.db"
    me = [sys.executable, __file__, "--before", str(args.before), "--database", str(database)]
    subprocess.run([*me, "--step", "fill", "--answers", str(args.answers)], check=True)
    for name, copy in (("before", args.before), ("after", args.after)):
        subprocess.run([*me, "--step", "render", "--after", str(copy), "--out", str(work / name)], check=True)
    different = 0
    for page in sorted((work / "before").iterdir()):
        before, after = page.read_text().splitlines(), (work / "after" / page.name).read_text().splitlines()
        if before != after:
            different += 1
            print(f"{page.name}: {before[0]}")
            sys.stdout.writelines(line + "\n" for line in list(difflib.unified_diff(before, after, lineterm=""))[:20])
    pages = len(list((work / "before").iterdir()))
    print(f"{pages - different} of {pages} pages identical ({work})")
    sys.exit(1 if different else 0)


if __name__ == "__main__":
    main()
