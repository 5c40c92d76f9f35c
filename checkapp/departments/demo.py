"""Demo departments: addresses for three of them, so that `flask --app checkapp digest` has someone to email."""
from ..extensions import db
from ..models import Department

DEPARTMENTS = (
    ("logistics", ["logistique@demo.checkapp"], "fr"),
    ("customer_service", ["service-client@demo.checkapp", "support@demo.checkapp"], "fr"),
    ("web", ["web@demo.checkapp"], "en"),
)


def load(_users) -> None:
    for key, emails, locale in DEPARTMENTS:
        db.session.add(Department(key=key, emails=emails, locale=locale))
