"""Questionnaires (アンケート): questions, choices, and either the counted totals or the forms.

A survey is entered one of two ways (`entry`): 'totals', each choice's count typed from a tally
sheet (the seed's 乗附 survey), or 'forms', one SurveyResponse per returned paper form with its
answers, from which the counts are derived. Percentages are always derived (count / that
question's total answers), never stored. A choice may have sub-choices (`parent_id`: 車・自転車・
徒歩 under 自分で出かける); a 'text' question takes open answers.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Entity

QUESTION_KINDS = {"single": "ひとつ選ぶ", "multiple": "いくつでも選ぶ", "text": "自由に書く"}
SURVEY_ENTRIES = {"totals": "合計を入力", "forms": "回答用紙を1枚ずつ入力"}


class Survey(Entity):
    __tablename__ = "survey"

    council_id: Mapped[str] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    conducted_on: Mapped[dt.date | None] = mapped_column(Date)
    distributed: Mapped[int | None] = mapped_column(Integer)
    returned: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    entry: Mapped[str] = mapped_column(String(10), default="totals", server_default="totals")

    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", passive_deletes=True, order_by="SurveyQuestion.position")


class SurveyQuestion(Entity):
    __tablename__ = "survey_question"
    __table_args__ = (CheckConstraint("kind IN ('single', 'multiple', 'text')", name="kind"),)

    survey_id: Mapped[str] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10), default="single")

    survey: Mapped[Survey] = relationship(back_populates="questions")
    choices: Mapped[list[SurveyChoice]] = relationship(
        back_populates="question", cascade="all, delete-orphan", passive_deletes=True, order_by="SurveyChoice.position")


class SurveyChoice(Entity):
    __tablename__ = "survey_choice"
    __table_args__ = (CheckConstraint("count >= 0", name="count_nonnegative"),)

    question_id: Mapped[str] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"),
                                             index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(300))
    count: Mapped[int] = mapped_column(Integer, default=0)  # typed; only for entry 'totals'
    # A sub-choice (車) under its choice (自分で出かける); NULL for a top-level choice.
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("survey_choice.id", ondelete="CASCADE"), index=True)

    question: Mapped[SurveyQuestion] = relationship(back_populates="choices")


class SurveyResponse(Entity):
    """One returned paper form (entry 'forms'): its number as written on it and its 町内会."""

    __tablename__ = "survey_response"

    survey_id: Mapped[str] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 整理番号
    neighbourhood_id: Mapped[str | None] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="SET NULL"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")

    survey: Mapped[Survey] = relationship()
    answers: Mapped[list[SurveyAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True)


class SurveyAnswer(Entity):
    """A ticked choice (or sub-choice) on a form, or the text written for a 'text' question."""

    __tablename__ = "survey_answer"

    response_id: Mapped[str] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"),
                                             index=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"),
                                             index=True)
    choice_id: Mapped[str | None] = mapped_column(
        ForeignKey("survey_choice.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
    # Also so that rows made together are written parents first (the demo's survey).
    question: Mapped[SurveyQuestion] = relationship()
    choice: Mapped[SurveyChoice | None] = relationship()
