"""A world with personal data of every kind, for the privacy tests: two outside testers and a staff member.

- Alice Martin (alice@example.org), invited by email (the invite email is written as an .eml), performs
  run A: a free-text answer and a note naming her, a photo, the confirmation email sent to her home
  address, a comment when she sends it; she turned reminders off. The manager names her in a fix comment.
- Bob Durand (bob@example.org), invited the same way, performs run B likewise.
- Lucas Bernard (lucas@example.org), staff, performs run L (whose title the manager wrote with his name),
  comments on a fix, gets the logistics department's weekly digest and takes turns in a programme.
Alice is also on the panel of a programme (with Carla) and receives the monthly committee report; the
manager starred her note and her annoyance for the committee.
Runs A and B are accepted; run L is submitted.
"""
import io
import uuid
from dataclasses import dataclass
from datetime import date

from PIL import Image
from sqlalchemy import select

from checkapp.evidence import services as evidence
from checkapp.fixes import services as fixes
from checkapp.insights import verbatims
from checkapp.insights.sending import add_recipient
from checkapp.invites import by_email
from checkapp.invites import services as invites
from checkapp.mail.optout import turn_off
from checkapp.models import Answer, Department, Run, StarredQuote, User
from checkapp.programmes import services as programmes
from checkapp.programmes.rhythm import Rhythm
from checkapp.review import services as review
from checkapp.runs import services as runs

ITEMS = (
    dict(question="Confirmation email?", promise="Within 5 minutes", kind="email",
         expected={"max_delay_seconds": 300, "phrases": ["Livraison prévue"]}, severity=3, stage="confirmation",
         department="web"),
    dict(question="What did the delivery person say?", promise="", kind="text", expected={}, severity=2,
         stage="delivery", department="logistics"),
    dict(question="Is the label printed?", promise="Label printed", kind="yes_no", expected={"value": True},
         severity=4, stage="unboxing", department="logistics", photo_required=True),
)


def confirmation_email(name: str, email: str, street: str) -> str:
    return (f"From: Boutique <noreply@shop.example.fr>\nTo: {name} <{email}>\nSubject: Merci {name}\n"
            f"Date: Fri, 20 Nov 2026 10:05:00 +0100\nContent-Type: text/plain; charset=utf-8\n\n"
            f"Bonjour {name},\nLivraison prévue au {street}, 75011 Paris.\n")


def photo(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(buffer, "JPEG")
    return buffer.getvalue()


@dataclass
class Person:
    name: str
    email: str
    run: Run
    user: User | None = None


def perform(app, run, answered_by, name, email, street, colour):
    mail_item, text_item, label = run.checklists[0].version.items
    evidence.add_email(run, mail_item, confirmation_email(name, email, street), client_uuid=str(uuid.uuid4()),
                       answered_by=answered_by)
    runs.save_answer(run, text_item, {"value": f"He asked for {name} at {street}", "flag": True},
                     client_uuid=str(uuid.uuid4()), note=f"Signed by {name}", answered_by=answered_by)
    runs.save_answer(run, label, {"value": False}, client_uuid=str(uuid.uuid4()),
                     note="Handwritten label", answered_by=answered_by)
    evidence.add_photo(run, label, photo(colour), photo_dir=app.config["PHOTO_DIR"],
                       max_bytes=app.config["MAX_PHOTO_BYTES"])
    runs.submit_run(run, recommend_score=6, comment=f"Thanks, {name}", actor=answered_by,
                    actor_label="" if answered_by else name, feelings={"delivery": 2},
                    annoyance=f"The courier called {name} three times", annoyance_stage="delivery")


def build(app, db, make_user, make_checklist, make_run, manager):
    checklist = make_checklist(name="Order and delivery", items=ITEMS)
    people = {}
    for key, name, email, street, colour in (("alice", "Alice Martin", "alice@example.org", "3 rue des Lilas", "red"),
                                             ("bob", "Bob Durand", "bob@example.org", "8 avenue Foch", "blue")):
        run = make_run(checklists=[checklist], title=f"Test order {key}", created_by_id=manager.id)
        new = invites.create_invite(run, created_by=manager, tester_name=name)
        by_email.email_invite(new, email, "fr")
        db.session.commit()  # the invite email is written (jobs run at once in tests)
        turn_off(email, "invite_reminder")
        perform(app, run, None, name, email, street, colour)
        review.accept_run(run, manager)
        db.session.commit()
        people[key] = Person(name, email, run)

    lucas = make_user("staff", email="lucas@example.org", name="Lucas Bernard")
    run = make_run(performer=lucas, checklists=[checklist], title="Lucas Bernard's parcel", created_by_id=manager.id)
    perform(app, run, lucas, "Lucas Bernard", "lucas@example.org", "12 rue Oberkampf", "green")
    label = checklist.current_version.items[2]
    fix = fixes.ensure_fix(label.item_key)
    fixes.add_comment(fix, lucas, "I called the carrier myself.")
    fixes.add_comment(fix, manager, "Alice Martin (alice@example.org) saw it too.")
    db.session.add(Department(key="logistics", emails=["logistics@example.org", "lucas@example.org"], locale="fr"))
    for name, performers in (("Monthly panel", programmes.PANEL), ("Weekly staff order", programmes.STAFF)):
        programmes.create_programme(programmes.ProgrammeFields(
            name=name, rhythm=Rhythm("weeks"), start_date=date(2030, 1, 7), checklists=[checklist],
            performers=performers, staff=[lucas], panel_emails=["alice@example.org", "carla@example.org"]),
            created_by=manager)
    add_recipient("alice@example.org", "fr", manager)
    add_recipient("committee@example.org", "fr", manager)
    alice_run = people["alice"].run
    note = db.session.scalar(select(Answer).where(Answer.run_id == alice_run.id, Answer.note.like("Signed%")))
    for source, source_id in ((verbatims.NOTE, note.id), (verbatims.ANNOYANCE, alice_run.id)):
        db.session.add(StarredQuote(source=source, source_id=source_id, starred_by_id=manager.id))
    db.session.commit()
    people["lucas"] = Person("Lucas Bernard", "lucas@example.org", run, lucas)
    return people
