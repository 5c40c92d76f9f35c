"""Demo fixes: runs after the review demo (which accepts runs and calls apply_accepted_run)."""
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Fix, utcnow
from . import services


def load(users: dict) -> None:
    manager = users["manager"]
    today = utcnow().date()
    fixes = db.session.scalars(select(Fix).where(Fix.kind == "mismatch").order_by(Fix.id).limit(2)).all()
    plans = (
        dict(status="in_progress", owner="Nadia (logistics)", effort="small", due_date=today - timedelta(days=4)),
        dict(status="open", owner="Hugo (web)", effort="large", due_date=today + timedelta(days=10)),
    )
    for fix, plan in zip(fixes, plans):
        for field, value in plan.items():
            setattr(fix, field, value)
    if fixes:
        services.add_comment(fixes[0], manager, "Carrier called: they will text the slot the day before.")
    first = services.add_idea("Offer gift wrapping at checkout", "Three testers asked for it in their comments.",
                              "web")
    first.created_at = utcnow() - timedelta(days=34)
    services.add_idea("Add a thank-you card in each parcel", "", "production")
    db.session.flush()
