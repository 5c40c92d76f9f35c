"""The demo's two programmes (staff in rotation, a panel of outside testers) with their past runs, so
that coverage and "my runs" have something to show; a pass two months on makes the runs due then, and
a second pass nothing."""
from datetime import timedelta

from sqlalchemy import func, select

from checkapp.coverage import queries
from checkapp.demo import load_demo
from checkapp.models import Invite, Programme, Run, utcnow
from checkapp.programmes import services, tick


def test_the_demo_has_a_rotation_and_a_panel_programme_with_past_runs(db):
    load_demo()
    db.session.commit()
    rotation, panel = db.session.scalars(select(Programme).order_by(Programme.id)).all()
    assert rotation.performers == "staff"
    assert [link.user.name for link in rotation.staff] == ["Lucas Bernard", "Nina Roux"]
    assert panel.performers == "panel" and len(panel.panel_emails) == 3
    for programme in (rotation, panel):
        runs = db.session.scalars(select(Run).where(Run.programme_id == programme.id)).all()
        assert len([r for r in runs if r.status == "accepted"]) >= 2
        assert all(r.occurrence < services.today() for r in runs)
    performers = db.session.scalars(select(Run.performer_id).where(Run.programme_id == rotation.id)
                                    .order_by(Run.occurrence)).all()
    assert len(set(performers[:2])) == 2  # in turn
    assert db.session.scalar(select(func.count()).select_from(Invite).join(Run).where(
        Run.programme_id == panel.id)) == db.session.scalar(select(func.count()).select_from(Run).where(
            Run.programme_id == panel.id))
    assert queries.stale_days() == 30
    page = queries.coverage_page(queries.Filters(), queries.default_cutoff(30))
    assert page.total > page.stale > 0  # some promises were checked lately, some not

    later = utcnow() + timedelta(days=61)
    first = tick.tick(later)
    db.session.commit()
    assert first.created >= 1
    assert str(tick.tick(later)).startswith("0 runs created, 0 reminders queued, 0 marked overdue")
