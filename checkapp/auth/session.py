"""Who is logged in: the id in the session (or remember cookie) is `user id:session generation`.

Cookies are only signed, not stored, so a copy of one keeps working until the generation it
carries is no longer the account's: logging out, changing the password and deactivation raise
it (services.end_sessions), which ends every copy on every device at once.
"""
from ..extensions import db
from ..models import User


def load_user(session_id: str) -> User | None:
    user_id, _, generation = session_id.partition(":")
    if not (user_id.isdigit() and generation.isdigit()):
        return None  # ids from before generations existed, or anything else: not logged in
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user
