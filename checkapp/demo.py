"""Demo data for `make run`: accounts, then each area's own demo content, in dependency order."""
from sqlalchemy import func, select

from .auth.services import create_user
from .checklists import demo as checklists_demo
from .departments import demo as departments_demo
from .extensions import db
from .fixes import demo as fixes_demo
from .insights import demo as insights_demo
from .invites import demo as invites_demo
from .models import User
from .programmes import demo as programmes_demo
from .review import demo as review_demo
from .runs import demo as runs_demo

DEMO_LOGINS = (
    ("manager", "manager@demo.checkapp", "demo-manager-2026"),
    ("staff", "staff@demo.checkapp", "demo-staff-2026"),
)
# Library checklists, then runs on them, an invite, the review of submitted runs (which
# opens fixes), the manager's work on those fixes, who receives each department's digest, two
# programmes with their past runs, then what closes the loop (insights: a department answering, the
# committee report's story and recipients).
AREAS = (checklists_demo, runs_demo, invites_demo, review_demo, fixes_demo, departments_demo, programmes_demo,
         insights_demo)


def database_is_empty() -> bool:
    return db.session.scalar(select(func.count()).select_from(User)) == 0


def load_demo() -> dict[str, User]:
    users = {
        "manager": create_user(DEMO_LOGINS[0][1], DEMO_LOGINS[0][2], "manager", "Camille Martin"),
        "staff": create_user(DEMO_LOGINS[1][1], DEMO_LOGINS[1][2], "staff", "Lucas Bernard"),
    }
    for area in AREAS:
        area.load(users)
        db.session.flush()
    # The areas go through the workflow, then date their runs in the past by hand: the promise
    # statistics are computed again from what was written.
    from .stats.services import rebuild

    rebuild()
    return users
