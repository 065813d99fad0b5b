"""survey forms (responses, answers, sub-choices, open questions), proposals (提言), and the dates
the year's report counts by (退会日, 解決日, 始めた日)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 14:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same text form SQLAlchemy writes for a DateTime (as in 0002).
_NOW = "strftime('%Y-%m-%d %H:%M:%S', 'now') || '.' || substr(strftime('%f', 'now'), 4) || '000'"
_NEW_TABLES = ("proposal", "survey_response", "survey_answer")
# Rebuilt in batch mode, which drops 0002's deletion triggers on them: made again below.
_REBUILT = ("survey_question", "survey_choice")


def _triggers(table: str) -> None:
    op.execute(f"""
        CREATE TRIGGER deletion_record_{table} AFTER DELETE ON {table} BEGIN
            INSERT OR REPLACE INTO deletion (table_name, row_id, deleted_at, row_updated_at)
            VALUES ('{table}', OLD.id, {_NOW}, OLD.updated_at);
        END""")
    op.execute(f"""
        CREATE TRIGGER deletion_forget_{table} AFTER INSERT ON {table} BEGIN
            DELETE FROM deletion WHERE table_name = '{table}' AND row_id = NEW.id;
        END""")


def _entity_columns() -> list[sa.Column]:
    return [sa.Column('id', sa.String(length=36), nullable=False),
            sa.Column('created_at', sa.DateTime(), nullable=False),
            sa.Column('updated_at', sa.DateTime(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        'proposal',
        sa.Column('council_id', sa.String(length=36), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.Column('raised_to', sa.String(length=200), nullable=False),
        sa.Column('raised_on', sa.Date(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('answered_on', sa.Date(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        *_entity_columns(),
        sa.ForeignKeyConstraint(['council_id'], ['council.id'],
                                name=op.f('fk_proposal_council_id_council'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal')),
    )
    op.create_index(op.f('ix_proposal_council_id'), 'proposal', ['council_id'], unique=False)

    op.create_table(
        'survey_response',
        sa.Column('survey_id', sa.String(length=36), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('neighbourhood_id', sa.String(length=36), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        *_entity_columns(),
        sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'],
                                name=op.f('fk_survey_response_neighbourhood_id_neighbourhood'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['survey_id'], ['survey.id'],
                                name=op.f('fk_survey_response_survey_id_survey'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response')),
    )
    op.create_index(op.f('ix_survey_response_neighbourhood_id'), 'survey_response',
                    ['neighbourhood_id'], unique=False)
    op.create_index(op.f('ix_survey_response_survey_id'), 'survey_response', ['survey_id'],
                    unique=False)

    # survey_choice first: survey_answer refers to it, and the rebuild below must not meet it.
    with op.batch_alter_table('survey_choice', recreate='always') as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_survey_choice_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_survey_choice_parent_id_survey_choice'),
                                    'survey_choice', ['parent_id'], ['id'], ondelete='CASCADE')
    with op.batch_alter_table('survey_question', recreate='always') as batch_op:
        batch_op.drop_constraint('kind', type_='check')
        batch_op.create_check_constraint('kind', "kind IN ('single', 'multiple', 'text')")

    op.create_table(
        'survey_answer',
        sa.Column('response_id', sa.String(length=36), nullable=False),
        sa.Column('question_id', sa.String(length=36), nullable=False),
        sa.Column('choice_id', sa.String(length=36), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        *_entity_columns(),
        sa.ForeignKeyConstraint(['choice_id'], ['survey_choice.id'],
                                name=op.f('fk_survey_answer_choice_id_survey_choice'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['question_id'], ['survey_question.id'],
                                name=op.f('fk_survey_answer_question_id_survey_question'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['response_id'], ['survey_response.id'],
                                name=op.f('fk_survey_answer_response_id_survey_response'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answer')),
    )
    for column in ('choice_id', 'question_id', 'response_id'):
        op.create_index(op.f(f'ix_survey_answer_{column}'), 'survey_answer', [column], unique=False)

    # ADD COLUMN keeps these tables (and their deletion triggers).
    op.add_column('member', sa.Column('left_on', sa.Date(), nullable=True))
    op.add_column('need', sa.Column('resolved_on', sa.Date(), nullable=True))
    op.add_column('resource', sa.Column('started_on', sa.Date(), nullable=True))
    op.add_column('survey', sa.Column('entry', sa.String(length=10), server_default='totals',
                                      nullable=False))
    for table in (*_REBUILT, *_NEW_TABLES):
        if table in _REBUILT:
            op.execute(f"DROP TRIGGER IF EXISTS deletion_record_{table}")
            op.execute(f"DROP TRIGGER IF EXISTS deletion_forget_{table}")
        _triggers(table)


def downgrade() -> None:
    for table in (*_REBUILT, *_NEW_TABLES):
        op.execute(f"DROP TRIGGER IF EXISTS deletion_record_{table}")
        op.execute(f"DROP TRIGGER IF EXISTS deletion_forget_{table}")
    # DROP COLUMN (SQLite 3.35+) rather than batch mode, which would drop 0002's triggers.
    op.drop_column('survey', 'entry')
    op.drop_column('resource', 'started_on')
    op.drop_column('need', 'resolved_on')
    op.drop_column('member', 'left_on')
    op.drop_table('survey_answer')
    op.drop_table('survey_response')
    op.drop_table('proposal')
    with op.batch_alter_table('survey_question', recreate='always') as batch_op:
        batch_op.drop_constraint('kind', type_='check')
        batch_op.create_check_constraint('kind', "kind IN ('single', 'multiple')")
    with op.batch_alter_table('survey_choice', recreate='always') as batch_op:
        batch_op.drop_constraint('fk_survey_choice_parent_id_survey_choice', type_='foreignkey')
        batch_op.drop_index('ix_survey_choice_parent_id')
        batch_op.drop_column('parent_id')
    for table in _REBUILT:
        _triggers(table)
