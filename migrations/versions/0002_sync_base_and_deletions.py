"""sync_base (per-field hashes both sides last agreed on) and deletion (rows deleted here),
with triggers so that every delete, cascades included, is recorded

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy as of this revision (app.models.sync.SYNCED_TABLES may grow in later revisions).
_TABLES = ("council", "neighbourhood", "member", "training", "training_attendance", "need",
           "tally", "tally_column", "tally_row", "tally_cell", "survey", "survey_question",
           "survey_choice", "resource", "meeting", "council_contact", "vision_revision")
# The same text form SQLAlchemy writes for a DateTime (microseconds, six digits).
_NOW = "strftime('%Y-%m-%d %H:%M:%S', 'now') || '.' || substr(strftime('%f', 'now'), 4) || '000'"


def upgrade() -> None:
    op.create_table(
        'sync_base',
        sa.Column('table_name', sa.String(length=40), nullable=False),
        sa.Column('row_id', sa.String(length=36), nullable=False),
        sa.Column('hashes', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('table_name', 'row_id', name=op.f('pk_sync_base')),
    )
    op.create_table(
        'deletion',
        sa.Column('table_name', sa.String(length=40), nullable=False),
        sa.Column('row_id', sa.String(length=36), nullable=False),
        sa.Column('deleted_at', sa.DateTime(), nullable=False),
        sa.Column('row_updated_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('table_name', 'row_id', name=op.f('pk_deletion')),
    )
    for table in _TABLES:
        op.execute(f"""
            CREATE TRIGGER deletion_record_{table} AFTER DELETE ON {table} BEGIN
                INSERT OR REPLACE INTO deletion (table_name, row_id, deleted_at, row_updated_at)
                VALUES ('{table}', OLD.id, {_NOW}, OLD.updated_at);
            END""")
        op.execute(f"""
            CREATE TRIGGER deletion_forget_{table} AFTER INSERT ON {table} BEGIN
                DELETE FROM deletion WHERE table_name = '{table}' AND row_id = NEW.id;
            END""")


def downgrade() -> None:
    for table in _TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS deletion_record_{table}")
        op.execute(f"DROP TRIGGER IF EXISTS deletion_forget_{table}")
    op.drop_table('deletion')
    op.drop_table('sync_base')
