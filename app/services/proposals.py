"""提言: what a council raised to the city or the tier-1 council, and what came back.

The log keeps what was raised (提言の内容, くわしく), to whom (提出先: 高崎市 長寿社会課, 第1層協議体…),
when (提出日), where it stands (状況) and the answer (回答, 回答日).

Rules across fields (the window, the exchange and the CLI alike):
- 回答日 is never before 提出日.
- 回答日 follows 状況 (base.settle_status_date): a proposal whose 状況 changes to 回答あり, 実現 or
  見送り with 回答日 empty gets today; one whose 状況 goes back to 準備中 or 提出済 loses its 回答日;
  a 回答日 typed beside 準備中 or 提出済 is refused. A proposal written down after the fact with an
  answer already in gets no guessed date (the year's report counts an answer by its 回答日).
- An answered proposal is one whose 状況 is 回答あり, 実現 or 見送り (the tier-1 overview counts these).

Privacy: a proposal speaks for the council, not about people, so an anonymised file carries its
内容, くわしく, 提出先 and 回答 (the coordinator needs them); 備考 is the council's own working note and
may name people, so it is held back like a member's 備考. The form's tips ask not to write names.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.models import PROPOSAL_STATUSES, Council, CouncilContact, Proposal
from app.services import base
from app.services.base import Field
from app.store import Store

ANSWERED = ("回答あり", "実現", "見送り")  # the statuses 回答日 stands for
NO_NAMES = "人の名前や病気のことは書きません"

# Each field once: validation here, the exchange sheet's column (exchange/sheets.py) and the
# window's input (ui/pages/proposals.py) are built from it.
PROPOSAL_FIELDS = (
    Field("title", "提言の内容", base.text(200), required=True, width=36,
          tip="一行で書きます。例: 移動販売の停留所を増やしてほしい"),
    Field("detail", "くわしく", base.long_text, default="", width=40, kind="long",
          tip=f"なぜ必要か、どこで誰が困っているか、協議体で話し合ったこと。{NO_NAMES}"),
    Field("raised_to", "提出先", base.text(200), default="", width=20,
          tip="例: 高崎市 長寿社会課、第1層協議体、社会福祉協議会"),
    Field("raised_on", "提出日", base.date, width=12, kind="date",
          tip="提出した日。準備中なら提出する予定の日か空欄"),
    Field("status", "状況", base.choice(PROPOSAL_STATUSES), default="提出済", width=10,
          cell=base.choice_or(PROPOSAL_STATUSES, "提出済"), kind="choice", choices=PROPOSAL_STATUSES),
    Field("answer", "回答", base.long_text, default="", width=40, kind="long",
          tip=f"提出先から返ってきた答え。{NO_NAMES}"),
    Field("answered_on", "回答日", base.date, width=12, kind="date",
          tip="状況を「回答あり」「実現」「見送り」に変えて空けておくと、今日の日付が入ります"),
    Field("note", "備考", base.long_text, default="", width=24, privacy="person", kind="long",
          tip="協議体の中のメモ（匿名にした書き出しには入りません）"),
)
_BY_NAME = {f.name: f for f in PROPOSAL_FIELDS}


@dataclasses.dataclass(frozen=True)
class ProposalDTO:
    id: str
    council_id: str
    title: str
    detail: str
    raised_to: str
    raised_on: dt.date | None
    status: str
    answer: str
    answered_on: dt.date | None
    note: str

    @property
    def is_answered(self) -> bool:
        return self.status in ANSWERED


def check_values(values: Mapping[str, object]) -> None:
    """The rules across fields; the window, the CLI and the exchange's import all apply them."""
    base.check_not_before(values, _BY_NAME["raised_on"], _BY_NAME["answered_on"])
    base.check_status_date(values, _BY_NAME["answered_on"], ANSWERED)


def _dto(p: Proposal) -> ProposalDTO:
    return base.to_dto(ProposalDTO, p)


def list_proposals(store: Store, council_id: str) -> list[ProposalDTO]:
    """Newest first: the ones not submitted yet (no 提出日), then by 提出日, the latest first."""
    with store.session() as s:
        rows = s.scalars(select(Proposal).where(Proposal.council_id == council_id)
                         .order_by(Proposal.raised_on.is_(None).desc(), Proposal.raised_on.desc(),
                                   Proposal.created_at.desc()))
        return [_dto(p) for p in rows]


def get_proposal(store: Store, proposal_id: str) -> ProposalDTO:
    with store.session() as s:
        return _dto(base.get_or_fail(s, Proposal, proposal_id, "提言"))


def create_proposal(store: Store, council_id: str, raw: Mapping[str, object]) -> ProposalDTO:
    values = base.validate(PROPOSAL_FIELDS, raw)
    check_values(values)
    with store.session() as s:
        base.get_or_fail(s, Council, council_id, "協議体")
        proposal = Proposal(council_id=council_id, **values)
        s.add(proposal)
        s.flush()
        return _dto(proposal)


def update_proposal(store: Store, proposal_id: str, raw: Mapping[str, object],
                    today: dt.date | None = None) -> ProposalDTO:
    values = base.validate(PROPOSAL_FIELDS, raw, partial=True)
    with store.session() as s:
        proposal = base.get_or_fail(s, Proposal, proposal_id, "提言")
        base.settle_status_date(values, _BY_NAME["answered_on"], ANSWERED,
                                (proposal.status, proposal.answered_on), today)
        check_values({f.name: getattr(proposal, f.name) for f in PROPOSAL_FIELDS} | values)
        for key, value in values.items():
            setattr(proposal, key, value)
        s.flush()
        return _dto(proposal)


def delete_proposal(store: Store, proposal_id: str) -> None:
    with store.session() as s:
        s.delete(base.get_or_fail(s, Proposal, proposal_id, "提言"))


TIER1 = "第1層協議体"


def places_raised_to(store: Store, council_id: str) -> list[str]:
    """The 提出先 the form offers as it is typed: the ones this council wrote (most used first),
    then its contacts at the city and 社協 (高崎市 長寿社会課…), then the tier-1 council."""
    with store.session() as s:
        used = s.scalars(select(Proposal.raised_to).where(
            Proposal.council_id == council_id, Proposal.raised_to != "")
            .group_by(Proposal.raised_to).order_by(func.count().desc(), Proposal.raised_to))
        contacts = s.scalars(select(CouncilContact.name).where(
            CouncilContact.council_id == council_id, CouncilContact.kind.in_(("市", "社協")),
            CouncilContact.name != "").order_by(CouncilContact.position))
        return list(dict.fromkeys([*used, *contacts, TIER1]))


def counts_by_council(session: Session) -> dict[str, tuple[int, int]]:
    """council id -> (proposals, answered ones), for every council with any (the tier-1 overview)."""
    answered = func.sum(case((Proposal.status.in_(ANSWERED), 1), else_=0))
    return {cid: (int(total), int(done or 0)) for cid, total, done in session.execute(
        select(Proposal.council_id, func.count(), answered).group_by(Proposal.council_id))}
