"""Demo: one outside tester invited to a planned run. Its token cannot be shown later: nothing printed."""
from sqlalchemy import select

from ..extensions import db
from ..models import ChecklistVersion, Run
from ..runs.states import RunState
from . import services


def load(users: dict) -> None:
    manager = users["manager"]
    run = db.session.scalar(select(Run).where(Run.status == RunState.PLANNED, Run.performer_id.is_(None))
                            .order_by(Run.id).limit(1))
    if run is None:
        version = db.session.scalar(select(ChecklistVersion).order_by(ChecklistVersion.id).limit(1))
        if version is None:
            return
        from ..runs.services import create_run

        run = create_run(title="Commande test — panel de testeurs", versions=[version], performer=None,
                         created_by=manager,
                         brief="Commandez la lampe bleue sur le site, livraison à domicile, puis suivez la grille.")
    services.create_invite(run, created_by=manager, tester_name="Inès Moreau",
                           tester_contact="ines@example.org")
