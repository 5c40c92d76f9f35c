"""Demo: review the submitted demo runs: accept most, send the newest back with a comment,
and leave the one before it in the review queue for the manager to try."""
from sqlalchemy import select

from ..extensions import db
from ..models import Answer, Run
from ..runs.states import RunState
from ..verdict import MISMATCH
from . import services


def load(users: dict) -> None:
    manager = users["manager"]
    submitted = db.session.scalars(select(Run).where(Run.status == RunState.SUBMITTED)
                                   .order_by(Run.submitted_at, Run.id)).all()
    if not submitted:
        return
    to_return = submitted[-1] if len(submitted) > 1 else None
    left_for_review = submitted[-2] if len(submitted) > 2 else None
    for run in submitted:
        if run is left_for_review:
            continue
        if run is to_return:
            items = db.session.scalars(select(Answer.item_id).where(
                Answer.run_id == run.id, Answer.is_current.is_(True), Answer.outcome == MISMATCH)).all()
            services.return_run(run, manager, "Merci\u202f! Pouvez-vous ajouter une photo de l'étiquette "
                                "et préciser le nom du transporteur\u202f?", items[:2])
        else:
            services.accept_run(run, manager)
