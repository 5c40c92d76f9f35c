"""Per day and stage counts and each promise's last check (the dashboard's headline and stale count read
them), filled from the answers already there, as `flask --app checkapp stats rebuild` would (plain SQL: a
migration does not import the application's code)

Revision ID: 0013_stage_days
Revises: 0007_promise_stats
Create Date: 2026-12-02 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_stage_days'
down_revision = '0007_promise_stats'
branch_labels = None
depends_on = None

# Counted: current pass or mismatch answers of accepted runs; failed: mismatches not overruled (as in 0007).
COUNTED = "r.status = 'accepted' AND a.is_current AND a.outcome IN ('pass', 'mismatch')"
FAILED = "a.outcome = 'mismatch' AND a.override_reason IS NULL"
FROM = "FROM answer a JOIN run r ON r.id = a.run_id"


def upgrade():
    op.create_table('stage_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('passes', sa.Integer(), nullable=False),
    sa.Column('mismatches', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'stage', name=op.f('pk_stage_day'))
    )
    op.create_table('promise_check',
    sa.Column('item_key', sa.String(length=36), nullable=False),
    sa.Column('last_checked_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('item_key', name=op.f('pk_promise_check'))
    )
    fill()


def fill():
    postgresql = op.get_bind().dialect.name == "postgresql"
    day = "CAST(r.submitted_at AS date)" if postgresql else "date(r.submitted_at)"
    op.execute(f"""
        INSERT INTO stage_day (day, stage, answers, passes, mismatches)
        SELECT {day}, i.stage, COUNT(*), SUM(CASE WHEN a.outcome = 'pass' THEN 1 ELSE 0 END),
               SUM(CASE WHEN {FAILED} THEN 1 ELSE 0 END)
        {FROM} JOIN check_item i ON i.id = a.item_id
        WHERE {COUNTED} AND r.submitted_at IS NOT NULL GROUP BY {day}, i.stage""")
    # A check (coverage's word): a current answer other than "not applicable" of a sent run.
    op.execute(f"""
        INSERT INTO promise_check (item_key, last_checked_at)
        SELECT a.item_key, MAX(r.submitted_at) {FROM}
        WHERE r.status IN ('submitted', 'accepted') AND a.is_current AND a.outcome <> 'na'
          AND r.submitted_at IS NOT NULL
        GROUP BY a.item_key""")


def downgrade():
    op.drop_table('promise_check')
    op.drop_table('stage_day')
