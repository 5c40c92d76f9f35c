"""Demo fixes: runs after the review demo (which accepts runs and calls apply_accepted_run).

The demo is French (the library checklists it uses are French), so its ideas and comments are too.
"""
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
        dict(status="in_progress", owner="Nadia (logistique)", effort="small", due_date=today - timedelta(days=4)),
        dict(status="open", owner="Hugo (web)", effort="large", due_date=today + timedelta(days=10)),
    )
    for fix, plan in zip(fixes, plans, strict=False):  # there may be fewer fixes than plans
        for field, value in plan.items():
            setattr(fix, field, value)
    if fixes:
        services.add_comment(fixes[0], manager, "Transporteur appelé\u00a0: il enverra le créneau par SMS la veille.")
    first = services.add_idea("Proposer un emballage cadeau à la commande",
                              "Trois testeurs l'ont demandé dans leurs commentaires.", "web")
    first.created_at = utcnow() - timedelta(days=34)
    services.add_idea("Glisser une carte de remerciement dans chaque colis", "", "production")
    db.session.flush()
