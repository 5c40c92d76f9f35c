from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from checkapp.extensions import db


def test_migrations_at_head_match_the_models(app):
    """The session's schema was built by `flask db upgrade`; autogenerate must find nothing to add."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
