"""Demo fixes: runs after the review demo (whose accepted runs opened fixes through `run_accepted`).

The demo is French (the library checklists it uses are French), so its ideas and comments are too.
"""
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Fix, utcnow
from . import services, states
from .states import FixKind


def load(users: dict) -> None:
    manager = users["manager"]
    today = utcnow().date()
    fixes = db.session.scalars(select(Fix).where(Fix.kind == FixKind.MISMATCH).order_by(Fix.id).limit(2)).all()
    plans = (
        dict(owner="Nadia (logistique)", effort="small", due_date=today - timedelta(days=4)),
        dict(owner="Hugo (web)", effort="large", due_date=today + timedelta(days=10)),
    )
    for fix, plan in zip(fixes, plans, strict=False):  # there may be fewer fixes than plans
        for field, value in plan.items():
            setattr(fix, field, value)
    if fixes:
        states.start_work(fixes[0])
        services.add_comment(fixes[0], manager, "Transporteur appelé\u00a0: il enverra le créneau par SMS la veille.")
    first = services.add_idea("Proposer un emballage cadeau à la commande",
                              "Trois testeurs l'ont demandé dans leurs commentaires.", "web", actor=manager)
    first.created_at = utcnow() - timedelta(days=34)
    services.add_idea("Glisser une carte de remerciement dans chaque colis", "", "production", actor=manager)
    db.session.flush()
