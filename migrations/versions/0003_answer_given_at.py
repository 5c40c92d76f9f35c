"""answers keep when they were given; a submit keeps its client UUID

Revision ID: 0003_answer_given_at
Revises: 0002_session_generation
Create Date: 2026-12-01 10:00:00

Both columns are added without rebuilding a table: on SQLite a rebuild of `answer` would drop
it while review actions still point at its rows (foreign keys are on).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_answer_given_at'
down_revision = '0002_session_generation'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('given_at', sa.DateTime(), nullable=True))
    # Answers stored so far were given when they were received.
    op.execute("UPDATE answer SET given_at = answered_at")

    with op.batch_alter_table('review_action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_uuid', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_review_action_client_uuid'), ['client_uuid'], unique=True)


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), again without a rebuild.
    op.drop_index(op.f('ix_review_action_client_uuid'), table_name='review_action')
    op.drop_column('review_action', 'client_uuid')
    op.drop_column('answer', 'given_at')
