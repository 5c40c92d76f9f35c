"""Seed the multi-server test's database (run with its environment): a manager, a staff member, one
checklist, three runs assigned to the staff member and one for outside testers. Prints their ids as JSON."""
import json
from datetime import date, datetime

from checkapp import create_app
from checkapp.auth.services import create_user
from checkapp.extensions import db
from checkapp.models import CheckItem, Checklist, ChecklistVersion, Run, RunChecklist

ITEMS = (
    dict(question="Was the parcel delivered within the promised time?", promise="Delivered within 3 days",
         kind="number", expected={"op": "le", "value": 3}, unit="days", severity=4, stage="delivery",
         department="logistics"),
    dict(question="Is the address label printed?", promise="Label printed", kind="yes_no",
         expected={"value": True}, severity=2, stage="unboxing", department="logistics"),
    dict(question="Photo of the parcel", promise="", kind="photo", expected={}, severity=2, stage="unboxing",
         department="logistics", required=False),
)


def main() -> None:
    app = create_app()
    with app.app_context():
        manager = create_user("manager@example.org", "manager-password-1", "manager", "Camille")
        staff = create_user("staff@example.org", "staff-password-1", "staff", "Lucas")
        checklist = Checklist(area="delivery", created_by_id=None)
        version = ChecklistVersion(checklist=checklist, number=1, name="Delivery", description="Order and watch.")
        for position, item in enumerate(ITEMS):
            version.items.append(CheckItem(position=position, **item))
        db.session.add_all([manager, staff, checklist])
        db.session.flush()
        runs = {}
        for name in ("main", "writes", "photos", "invite"):
            run = Run(title=f"Multi-server {name}", brief="Order the blue lamp.", status="planned",
                      performer_id=None if name == "invite" else staff.id,
                      ordered_at=datetime(2026, 11, 20, 10, 2), due_date=date(2026, 12, 31))
            run.checklists.append(RunChecklist(version=version, position=0))
            db.session.add(run)
            db.session.flush()
            runs[name] = run.id
        db.session.commit()
        print(json.dumps({"runs": runs, "items": [item.id for item in version.items]}))


if __name__ == "__main__":
    main()
