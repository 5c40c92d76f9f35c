from ..extensions import db
from ..models import User


def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))
