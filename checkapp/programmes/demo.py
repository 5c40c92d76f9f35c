"""Demo: two programmes with past runs, so that coverage and "my runs" have something to show.

- A monthly test order (delivery and packaging) on the first Tuesday, performed by two staff members
  in turn: its past runs were sent and accepted, the latest is overdue.
- A hotline call every two weeks by outside testers of a panel: past runs sent and accepted.

Both take effect today: the worker's first pass makes their next runs when their time comes.
"""
from __future__ import annotations

import random
import secrets
import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..auth.services import create_user, find_by_email
from ..coverage.queries import set_stale_days
from ..extensions import db
from ..invites.services import create_invite
from ..models import Checklist, User, utcnow
from ..review.services import accept_run
from ..runs import services as runs
from ..runs.demo import demo_photo
from ..verdict import NA, kinds
from . import services
from .rhythm import Rhythm

PANEL = ("zoe.petit@example.org", "karim.benali@example.org", "ines.moreau@example.org")
TESTER_NAMES = {"zoe.petit@example.org": "Zoé Petit", "karim.benali@example.org": "Karim Benali",
                "ines.moreau@example.org": "Inès Moreau"}
HISTORY_DAYS = 110
# The demo manager wants every promise checked at least monthly.
STALE_DAYS = 30


def load(users: dict) -> None:
    by_area = {c.area: c for c in db.session.scalars(select(Checklist).where(Checklist.archived.is_(False))
                                                     .order_by(Checklist.id))}
    if not by_area:
        return
    manager, staff = users["manager"], users["staff"]
    now = utcnow().replace(second=0, microsecond=0)
    today = services.today(now)
    rng = random.Random(13)
    colleague = find_by_email("nina@demo.checkapp") or create_user(
        "nina@demo.checkapp", secrets.token_urlsafe(24), "staff", "Nina Roux")

    monthly = services.create_programme(services.ProgrammeFields(
        name="Commande test mensuelle : canapé livré à domicile",
        brief="Commandez le canapé 3 places sur le site, livraison à domicile sur créneau du matin. Suivez la "
              "grille à la livraison et au déballage ; photographiez l'étiquette.",
        rhythm=Rhythm("month_weekday", weekday=1, week_of_month=1), start_date=today - timedelta(days=HISTORY_DAYS),
        checklists=_pick(by_area, "delivery", "packaging"), staff=[staff, colleague], days_ahead=7,
        days_to_perform=5), created_by=manager, now=now)
    hotline = services.create_programme(services.ProgrammeFields(
        name="Appel au service client toutes les deux semaines",
        brief="Appelez le service client avec une question sur une commande ; chronométrez l'attente et "
              "notez chaque transfert.",
        rhythm=Rhythm("weeks", every=2), start_date=today - timedelta(days=HISTORY_DAYS - 3),
        checklists=_pick(by_area, "contact_channel", "confirmation_email"), performers=services.PANEL,
        panel_emails=list(PANEL), panel_locale="fr", days_ahead=2, days_to_perform=4), created_by=manager, now=now)
    for programme in (monthly, hotline):
        programme.created_at = datetime.combine(programme.start_date, time(9)) - timedelta(days=7)
        _history(programme, manager, now, rng)
    set_stale_days(STALE_DAYS)


def _pick(by_area: dict, *areas: str) -> list[Checklist]:
    return [by_area[area] for area in areas if area in by_area] or list(by_area.values())[:1]


def _history(programme, manager: User, now: datetime, rng: random.Random) -> None:
    """Its runs of the past occurrences: sent and accepted, except a late one left to do."""
    today = services.today(now)
    days = services.days_between(programme, programme.start_date, today - timedelta(days=1))
    versions = services.versions(programme)
    for turn, day in enumerate(days):
        performer = services.performer_at(programme, turn)
        due = services.due_date(programme, day)
        run = runs.create_run(title=f"{programme.name} · {day.isoformat()}", brief=programme.brief,
                              versions=versions, performer=performer if isinstance(performer, User) else None,
                              created_by=manager, due_date=due, programme_id=programme.id, occurrence=day,
                              created_at=services.creation_time(programme, day))
        tester = ""
        if isinstance(performer, str):
            tester = TESTER_NAMES.get(performer, "")
            invite = create_invite(run, created_by=manager, tester_name=tester, tester_contact=performer,
                                   days=14, now=run.created_at).invite
            invite.opened_at = run.created_at + timedelta(hours=5)
        if due < today and turn == len(days) - 1 and isinstance(performer, User):
            continue  # late: still to do, the manager hears of it at the worker's first pass
        if due >= today:
            continue  # still within its time: left to do
        _perform(run, performer if isinstance(performer, User) else None, tester, day, rng)
        accept_run(run, manager)
        run.reviewed_at = run.submitted_at + timedelta(days=1)


def _perform(run, performer: User | None, tester: str, day: date, rng: random.Random) -> None:
    started = datetime.combine(day, time(9))
    for number, item in enumerate(runs.all_items(run)):
        # The optional promises are skipped: the coverage page shows them going stale.
        observed = {"na": True} if not item.required else \
            kinds.get(item.kind).demo(item.expected or {}, rng.random() < 0.2, rng)
        answer, _created = runs.save_answer(run, item, observed, client_uuid=str(uuid.uuid4()), answered_by=performer)
        at = started + timedelta(minutes=10 * number)
        answer.answered_at = answer.given_at = at
        if item.photo_required and answer.outcome != NA:
            demo_photo(run, item, run.id, number, at)
    runs.submit_run(run, recommend_score=rng.randint(5, 10), comment="", actor=performer, actor_label=tester)
    run.started_at = started
    run.submitted_at = started + timedelta(days=1)
