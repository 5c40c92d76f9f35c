"""user.session_generation: logging out, a password change or deactivation ends every session

Revision ID: 0002_session_generation
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_session_generation"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
