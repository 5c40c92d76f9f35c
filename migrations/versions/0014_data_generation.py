"""The data generation token: kept pages (the fix list, the dashboard) are served again only while it
has not changed (checkapp/pagecache)

Revision ID: 0014_data_generation
Revises: 0013_stage_days
Create Date: 2026-12-02 22:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_data_generation'
down_revision = '0013_stage_days'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('data_generation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_generation'))
    )


def downgrade():
    op.drop_table('data_generation')
