"""Demo runs: one planned, one in progress, eight submitted over the last 60 days.

Built on the checklists the checklists demo loaded (none → nothing). The submitted runs carry
recurring mismatches (delivery slot, handwritten label, late confirmation email, hotline wait)
so that the review queue and the fix list have something to show; each was sent with the
performer's feelings per stage (low where something failed) and what annoyed them most, so that
the journey map, the verbatims and the monthly report have something to show too.
"""
from __future__ import annotations

import io
import random
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from .. import photos
from ..extensions import db
from ..models import CheckItem, Checklist, Photo, ReviewAction, Run, utcnow
from ..verdict import MISMATCH, NA, kinds
from . import feelings as run_feelings
from . import services

# (days ago, title, areas, performer is staff?, mismatches on: slot, label, email, hotline, recommend)
SUBMITTED = (
    (58, "Lampe bleue, livraison à domicile", ("delivery", "packaging", "confirmation_email"), True,
     (True, True, False, False), 7),
    (48, "Canapé 3 places, créneau du matin", ("delivery", "confirmation_email", "contact_channel"), False,
     (True, False, True, True), 2),
    (37, "Coussins, commande et déballage", ("order_journey", "packaging", "confirmation_email"), True,
     (False, True, True, False), 9),
    (26, "Table basse, livraison et service client", ("delivery", "packaging", "contact_channel"), True,
     (True, True, False, True), 3),
    (20, "Chaise de bureau, livraison et colis", ("delivery", "packaging"), False,
     (False, False, False, False), 8),
    (15, "Offre de Noël, commande test", ("order_journey", "delivery", "confirmation_email"), False,
     (True, False, True, False), 5),
    (10, "Lampe de bureau, appel au service client", ("contact_channel",), True,
     (False, False, False, True), 6),
    (5, "Étagère murale, colis et hotline", ("packaging", "contact_channel"), True,
     (False, True, False, True), 7),
)
TESTERS = ("Zoé Petit", "Karim Benali")
RECURRING = {("delivery", kinds.TimeWindow.name): "slot", ("packaging", kinds.Choice.name): "label",
             ("confirmation_email", kinds.Email.name): "email", ("contact_channel", kinds.Duration.name): "hotline"}

ANNOYANCES = {
    "slot": "Le livreur est passé à 15:20 alors que j'avais choisi le créneau 07:00–14:00.",
    "label": "Adresse écrite à la main sur le carton : on dirait un colis de particulier.",
    "email": "J'ai attendu 40 minutes l'e-mail de confirmation, j'ai cru que la commande n'était pas passée.",
    "hotline": "J'ai dû raconter mon problème trois fois à trois personnes différentes.",
}

NOTES = {
    "slot": "SMS à 11:45 pour appeler le transporteur ; livré à 15:20, après le créneau.",
    "label": "Adresse écrite à la main au feutre sur le carton.",
    "email": "Commande passée à 10:02, e-mail reçu à 10:41.",
    "hotline": "Musique d'attente puis deux transferts ; il a fallu tout réexpliquer.",
}


def load(users: dict) -> None:
    checklists = db.session.scalars(
        select(Checklist).where(Checklist.archived.is_(False)).order_by(Checklist.id)).all()
    by_area = {c.area: c.current_version for c in checklists if c.current_version is not None}
    if not by_area:
        return
    manager, staff = users.get("manager"), users.get("staff")
    now = utcnow().replace(second=0, microsecond=0)

    def versions(*areas):
        return [by_area[a] for a in areas if a in by_area] or list(by_area.values())[:2]

    services.create_run(
        title="Lampe de chevet, livraison à domicile",
        brief="Commandez la lampe de chevet bleue sur le site, livraison à domicile, créneau 07:00–14:00 "
              "un jour de semaine. Notez l'heure de la commande, gardez l'e-mail de confirmation, "
              "photographiez l'étiquette et le contenu du colis.",
        versions=versions("delivery", "packaging"), performer=staff, created_by=manager,
        due_date=(now + timedelta(days=6)).date(), order_reference=None)

    current = services.create_run(
        title="Service client : question sur un retour",
        brief="Appelez le numéro du service client affiché sur le site. Chronométrez l'attente avec le "
              "chronomètre, notez chaque transfert (bouton « Tour »).",
        versions=versions("confirmation_email", "contact_channel"), performer=staff, created_by=manager,
        ordered_at=now - timedelta(days=1, hours=3), due_date=(now + timedelta(days=2)).date(),
        order_reference="CMD-20418")
    rng = random.Random(7)
    for item in services.all_items(current)[:3]:
        _answer(current, item, _observed(item, False, rng), staff, current.ordered_at + timedelta(hours=1))

    for index, (days, title, areas, by_staff, mismatches, score) in enumerate(SUBMITTED):
        _submitted_run(index, days, title, versions(*areas), staff if by_staff else None,
                       TESTERS[index % 2] if not by_staff else "", mismatches, score, manager, now, rng)


def _submitted_run(index, days, title, versions, performer, tester, mismatches, score, manager, now, rng):
    ordered_at = now - timedelta(days=days, hours=rng.randint(0, 6))
    run = services.create_run(
        title=title, brief="Commande test comme un client ordinaire ; suivez la grille point par point.",
        versions=versions, performer=performer, created_by=manager, ordered_at=ordered_at,
        due_date=(ordered_at + timedelta(days=7)).date(), order_reference=f"CMD-{19800 + index * 37}")
    run.created_at = ordered_at - timedelta(days=2)
    flags = dict(zip(("slot", "label", "email", "hotline"), mismatches, strict=True))
    annoyed, failed_stages = _answer_all(run, flags, performer, ordered_at, index, rng)
    submitted_at = ordered_at + timedelta(days=3, hours=rng.randint(1, 8))
    feelings = {stage: rng.choice((1, 2, 2, 3)) if stage in failed_stages else rng.choice((3, 4, 4, 5))
                for stage in run_feelings.stages_of(run)}
    annoyance, annoyance_stage = annoyed or ("", None)
    services.submit_run(run, recommend_score=score, comment=_comment(score), actor=performer, actor_label=tester,
                        feelings=feelings, annoyance=annoyance, annoyance_stage=annoyance_stage)
    run.started_at = ordered_at + timedelta(hours=1)
    run.submitted_at = submitted_at
    action = db.session.scalar(select(ReviewAction).where(ReviewAction.run_id == run.id))
    action.created_at = submitted_at


def _answer_all(run, flags, performer, ordered_at, index, rng) -> tuple[tuple[str, str] | None, set[str]]:
    """Answer every item (a mismatch where `flags` says, now and then elsewhere); returns what annoyed
    the performer most (the first recurring problem met, with its stage) and the stages that failed."""
    annoyed, failed_stages = None, set()
    for number, item in enumerate(services.all_items(run)):
        topic = _topic(item)
        mismatch = flags.get(topic, False) if topic else rng.random() < 0.12
        at = ordered_at + timedelta(hours=2 + number * 3)
        answer = _answer(run, item, _observed(item, mismatch, rng), performer, at,
                         NOTES.get(topic, "") if mismatch else "")
        if answer.outcome == MISMATCH:
            failed_stages.add(item.stage)
            annoyed = annoyed or ((ANNOYANCES[topic], item.stage) if topic in ANNOYANCES else None)
        if item.photo_required and answer.outcome != NA:
            demo_photo(run, item, index, number, at)
    return annoyed, failed_stages


def _topic(item: CheckItem) -> str | None:
    """Which recurring problem this item checks, recognised by its kind in its checklist's area."""
    return RECURRING.get((item.version.checklist.area, item.kind))


def _observed(item: CheckItem, mismatch: bool, rng: random.Random) -> dict:
    if not item.required and not mismatch and rng.random() < 0.6:
        return {"na": True}
    return kinds.get(item.kind).demo(item.expected or {}, mismatch, rng)


def _answer(run: Run, item: CheckItem, observed: dict, performer, at, note: str = ""):
    answer, _created = services.save_answer(run, item, observed, client_uuid=str(uuid.uuid4()), note=note,
                                            answered_by=performer)
    answer.answered_at = answer.given_at = at
    return answer


def _comment(score: int) -> str:
    if score <= 4:
        return "Produit bien, mais la livraison et le service client m'ont découragé."
    return "Bonne expérience dans l'ensemble, quelques détails à revoir."


def demo_photo(run: Run, item: CheckItem, index: int, number: int, at) -> None:
    """A small generated picture stored like an upload, so thumbnails show in the demo."""
    from PIL import Image, ImageDraw

    hue = (index * 47 + number * 23) % 256
    image = Image.new("RGB", (640, 480), (200, 170 + hue % 60, 120 + hue % 100))
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 110, 520, 370), fill=(150 + hue % 80, 110, 70), outline=(60, 40, 20), width=6)
    draw.text((140, 130), f"Demo {run.id}-{item.id}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    stored = photos.ingest(buffer.getvalue(), current_app.config["PHOTO_DIR"])
    db.session.add(Photo(run_id=run.id, item_id=item.id, display_name=stored.display_name,
                         thumb_name=stored.thumb_name, width=stored.width, height=stored.height,
                         byte_size=stored.byte_size, content_type=stored.content_type, sha256=stored.sha256,
                         taken_at=None, source_hint="camera", created_at=at))
    db.session.flush()
