"""How the performer felt at each journey stage of a run, and what annoyed them most, given when
they send it: five faces with words (1 very bad … 5 very good), every stage skippable.

No request in here: `runs.perform.submit` (the page and the API alike) hands what was sent to
`services.submit_run`, which checks it with `check` and stores it with `record`.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from ..extensions import db
from ..glossary import STAGES
from ..messages import N_, UserError
from ..models import Run, RunFeeling

LOWEST, HIGHEST = 1, 5
FEELINGS = {1: _l("Very bad"), 2: _l("Bad"), 3: _l("So-so"), 4: _l("Good"), 5: _l("Very good")}
# Shown beside the words, never instead of them (hidden from screen readers).
FACES = {1: "😣", 2: "😟", 3: "😐", 4: "😊", 5: "😄"}


def stages_of(run: Run) -> list[str]:
    """The journey stages the run's items cover, in journey order."""
    found = {item.stage for link in run.checklists for item in link.version.items}
    order = list(STAGES)
    return sorted(found, key=lambda stage: (order.index(stage) if stage in order else len(order), stage))


def check(run: Run, feelings: dict[str, int] | None, annoyance_stage: str | None) -> None:
    """UserError (422) when a feeling or the annoyance names a stage the run does not go through."""
    covered = set(stages_of(run))
    for stage in [*(feelings or {}), *([annoyance_stage] if annoyance_stage else [])]:
        if stage not in covered:
            raise UserError(N_("This run does not go through the journey stage “%(stage)s”."),
                            {"stage": str(stage)[:40]}, status=422)


def record(run: Run, feelings: dict[str, int] | None, annoyance: str | None, annoyance_stage: str | None) -> None:
    """Keep what was sent, replacing what an earlier sending of the same run kept (a run sent back
    and sent again). Flushes."""
    db.session.execute(delete(RunFeeling).where(RunFeeling.run_id == run.id))
    db.session.add_all(RunFeeling(run_id=run.id, stage=stage, score=score) for stage, score in (feelings or {}).items())
    annoyance = (annoyance or "").strip()
    run.annoyance = annoyance
    run.annoyance_stage = annoyance_stage if annoyance else None
    db.session.flush()


def feelings_of(run: Run) -> dict[str, int]:
    return dict(db.session.execute(select(RunFeeling.stage, RunFeeling.score).where(RunFeeling.run_id == run.id)).all())
