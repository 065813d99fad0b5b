"""Questionnaires (アンケート): questions, choices and the counted answers.

Percentages are derived (count / that question's total answers), never stored.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Entity

QUESTION_KINDS = {"single": "ひとつ選ぶ", "multiple": "いくつでも選ぶ"}


class Survey(Entity):
    __tablename__ = "survey"

    council_id: Mapped[str] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    conducted_on: Mapped[dt.date | None] = mapped_column(Date)
    distributed: Mapped[int | None] = mapped_column(Integer)
    returned: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")

    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", passive_deletes=True, order_by="SurveyQuestion.position")


class SurveyQuestion(Entity):
    __tablename__ = "survey_question"
    __table_args__ = (CheckConstraint("kind IN ('single', 'multiple')", name="kind"),)

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
    count: Mapped[int] = mapped_column(Integer, default=0)

    question: Mapped[SurveyQuestion] = relationship(back_populates="choices")
