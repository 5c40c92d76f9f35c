"""0007_promise_stats and 0013_stage_days fill the statistics tables from the answers already there, as a rebuild
would."""
import os
from datetime import datetime, timedelta

import pytest
from flask_migrate import upgrade

from checkapp import config, create_app
from checkapp.extensions import db
from checkapp.models import Answer, CheckItem, Checklist, ChecklistVersion, Run, RunChecklist
from checkapp.stats import services as stats


@pytest.fixture
def fresh_app(tmp_path):
    if os.environ.get("DATABASE_URL"):
        pytest.skip("needs a database of its own: SQLite")
    return create_app(config.for_tests(str(tmp_path)))


def revision_before(revision: str) -> str:
    from alembic.script import ScriptDirectory
    from flask import current_app

    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_revision(revision).down_revision


def test_the_migration_fills_the_statistics_from_existing_answers(fresh_app):
    with fresh_app.app_context():
        upgrade(revision=revision_before("0007_promise_stats"))
        checklist = Checklist(area="delivery")
        version = ChecklistVersion(checklist=checklist, number=1, name="Delivery")
        for position, (stage, department) in enumerate((("delivery", "logistics"), ("support", "web"))):
            version.items.append(CheckItem(position=position, question=f"Q{position}", kind="yes_no",
                                           expected={"value": True}, stage=stage, department=department))
        db.session.add(checklist)
        db.session.flush()
        at = datetime(2026, 10, 3, 15, 30)
        for n, (status, outcomes) in enumerate((("accepted", ("mismatch", "pass")), ("accepted", ("pass", "mismatch")),
                                                ("submitted", ("mismatch", "mismatch")),
                                                ("accepted", ("mismatch", "na")))):
            run = Run(title=f"Run {n}", status=status, submitted_at=at - timedelta(days=40 * n, hours=n),
                      recommend_score=(n * 4) % 11, inbox_token=f"token{n}")
            db.session.add(run)
            db.session.flush()
            db.session.add(RunChecklist(run_id=run.id, version_id=version.id))
            for item, outcome in zip(version.items, outcomes, strict=True):
                db.session.add(Answer(client_uuid=f"00000000-0000-4000-8000-{n:06d}{item.position:06d}",
                                      run_id=run.id, item_id=item.id, item_key=item.item_key, outcome=outcome,
                                      gap=float(n) if outcome == "mismatch" else None,
                                      override_reason="misread" if n == 1 and outcome == "mismatch" else None))
        db.session.commit()
        upgrade()
        migrated = stats.snapshot()
        stats.rebuild()
        assert stats.snapshot() == migrated
        assert len(migrated["promise_stats"]) == 2 and len(migrated["nps_month"]) == 3
        assert sum(row[4] for row in migrated["stage_month"]) == 5  # the accepted runs' passes and mismatches
        assert sum(row[2] for row in migrated["stage_day"]) == 5
        assert len(migrated["promise_check"]) == 2  # both promises were checked by a sent run
        db.session.remove()
        db.engine.dispose()
