"""Jobs kept in the database while the queue (Redis) cannot be reached

Revision ID: 0011_scaleout
Revises: 0008_programmes
Create Date: 2026-12-02 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_scaleout'
down_revision = '0008_programmes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_backlog',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('message', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_backlog'))
    )


def downgrade():
    op.drop_table('job_backlog')
