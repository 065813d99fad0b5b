"""area_map (a council's base map image and two reference points) and the 町内会's place on it

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 11:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same text form SQLAlchemy writes for a DateTime (as in 0002).
_NOW = "strftime('%Y-%m-%d %H:%M:%S', 'now') || '.' || substr(strftime('%f', 'now'), 4) || '000'"


def upgrade() -> None:
    op.create_table(
        'area_map',
        sa.Column('council_id', sa.String(length=36), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('image', sa.LargeBinary(), nullable=False),
        sa.Column('image_format', sa.String(length=10), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=200), nullable=False),
        *(sa.Column(f'ref{i}_{k}', sa.Float(), nullable=True)
          for i in (1, 2) for k in ('x', 'y', 'lat', 'lon')),
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['council_id'], ['council.id'],
                                name=op.f('fk_area_map_council_id_council'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_area_map')),
        sa.UniqueConstraint('council_id', name=op.f('uq_area_map_council_id')),
    )
    # ADD COLUMN keeps the table (and 0002's deletion triggers on it).
    op.add_column('neighbourhood', sa.Column('map_x', sa.Float(), nullable=True))
    op.add_column('neighbourhood', sa.Column('map_y', sa.Float(), nullable=True))
    op.execute(f"""
        CREATE TRIGGER deletion_record_area_map AFTER DELETE ON area_map BEGIN
            INSERT OR REPLACE INTO deletion (table_name, row_id, deleted_at, row_updated_at)
            VALUES ('area_map', OLD.id, {_NOW}, OLD.updated_at);
        END""")
    op.execute("""
        CREATE TRIGGER deletion_forget_area_map AFTER INSERT ON area_map BEGIN
            DELETE FROM deletion WHERE table_name = 'area_map' AND row_id = NEW.id;
        END""")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS deletion_record_area_map")
    op.execute("DROP TRIGGER IF EXISTS deletion_forget_area_map")
    # DROP COLUMN (SQLite 3.35+) rather than batch mode, which would drop 0002's triggers.
    op.drop_column('neighbourhood', 'map_y')
    op.drop_column('neighbourhood', 'map_x')
    op.drop_table('area_map')
