"""Who is logged in: the id in the session (or remember cookie) is `user id:session generation`.

Cookies are only signed, not stored, so a copy of one keeps working until the generation it
carries is no longer the account's: logging out, changing the password and deactivation raise
it (services.end_sessions), which ends every copy on every device at once.
"""
from sqlalchemy import bindparam, select
from sqlalchemy.orm.util import identity_key

from ..extensions import db
from ..models import User

# Built once: every request of a signed-in person loads them, and building and hashing the
# statement each time (what `Session.get` does) cost a third of that load.
USER_BY_ID = select(User).where(User.id == bindparam("user_id"))


def load_user(session_id: str) -> User | None:
    user_id, _, generation = session_id.partition(":")
    if not (user_id.isdigit() and generation.isdigit()):
        return None  # ids from before generations existed, or anything else: not logged in
    # Already in the session when the request read it first (a run's performer comes with the run).
    user = (db.session.identity_map.get(identity_key(User, int(user_id)))
            or db.session.scalars(USER_BY_ID, {"user_id": int(user_id)}).one_or_none())
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user
