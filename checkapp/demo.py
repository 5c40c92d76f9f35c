"""Demo data for `make run`: accounts, then each area's own demo content."""
import importlib

from sqlalchemy import func, select

from .auth.services import create_user
from .extensions import db
from .models import User

DEMO_LOGINS = (
    ("manager", "manager@demo.checkapp", "demo-manager-2026"),
    ("staff", "staff@demo.checkapp", "demo-staff-2026"),
)
# Each area may ship `checkapp/<area>/demo.py` with `load(users: dict[str, User])`, run in this order.
AREAS = ("checklists", "runs", "invites", "review", "fixes")


def database_is_empty() -> bool:
    return db.session.scalar(select(func.count()).select_from(User)) == 0


def load_demo() -> dict[str, User]:
    users = {
        "manager": create_user(DEMO_LOGINS[0][1], DEMO_LOGINS[0][2], "manager", "Camille Martin"),
        "staff": create_user(DEMO_LOGINS[1][1], DEMO_LOGINS[1][2], "staff", "Lucas Bernard"),
    }
    for area in AREAS:
        try:
            module = importlib.import_module(f"checkapp.{area}.demo")
        except ModuleNotFoundError as error:
            if error.name in (f"checkapp.{area}", f"checkapp.{area}.demo"):
                continue
            raise
        module.load(users)
        db.session.flush()
    return users
