"""足りないもの: the needs no resource answers yet, under the council's vision, then the ones
that are linked to a resource. A category counts when it has open needs recorded or persons in
the newest needs table (services.need_tables); the two figures are shown side by side, not added."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from app.services.councils import CouncilDTO
from app.services.needs import CoverageDTO
from app.ui.pages.needs.texts import amounts_text, gap_line, table_detail
from app.ui.widgets import label


class GapsView(QScrollArea):
    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        self.gap_box = QVBoxLayout(inner)
        self.gap_box.setContentsMargins(4, 8, 4, 8)
        self.gap_box.setSpacing(12)
        vision_card = QFrame()
        vision_card.setProperty("role", "card")
        vision_layout = QVBoxLayout(vision_card)
        self.vision = label("", "vision", wrap=True)
        self.vision_subtitle = label("", wrap=True)
        vision_layout.addWidget(self.vision)
        vision_layout.addWidget(self.vision_subtitle)
        self.gap_box.addWidget(vision_card)
        self.gap_heading = label("足りないもの（社会資源がまだないニーズ）", "subheading",
                                 wrap=True)
        self.gap_box.addWidget(self.gap_heading)
        self.table_note = label(
            "集計表の人数（あんしんセンターのニーズの集計表のうち一番新しいもの）と記録の人数は並べて"
            "出しています。同じ人が両方に入っていることがあるので、足していません。", "note", wrap=True)
        self.gap_box.addWidget(self.table_note)
        self.gap_list = QVBoxLayout()
        self.gap_list.setSpacing(10)
        self.gap_box.addLayout(self.gap_list)
        self.covered_heading = label("社会資源につながっているニーズ", "subheading", wrap=True)
        self.gap_box.addWidget(self.covered_heading)
        self.covered_list = QVBoxLayout()
        self.covered_list.setSpacing(6)
        self.gap_box.addLayout(self.covered_list)
        self.gap_box.addWidget(label(
            "記録は解決していないニーズ（未対応・検討中・対応中）だけを数えています。社会資源とのつながりは、"
            "「一覧」でニーズを編集して「対応する社会資源」を選ぶと付けられます（集計表にしかない分類は、"
            "その分類のニーズを追加して選びます）。", "note", wrap=True))
        self.gap_box.addStretch(1)
        self.setWidget(inner)
        self.coverage: list[CoverageDTO] = []

    def show_coverage(self, council: CouncilDTO, coverage: list[CoverageDTO]) -> None:
        if council.vision:
            self.vision.setText(f"目指す地域像: 「{council.vision.phrase}」")
            self.vision_subtitle.setText(
                f"〜{council.vision.subtitle}〜" if council.vision.subtitle else "")
            self.vision_subtitle.setVisible(bool(council.vision.subtitle))
        else:
            self.vision.setText("目指す地域像: まだ決めていません（「協議体の設定」で入力できます）")
            self.vision_subtitle.hide()
        for layout in (self.gap_list, self.covered_list):
            while layout.count():
                item = layout.takeAt(0)
                if item.widget() is not None:
                    item.widget().deleteLater()
        self.coverage = found = coverage
        gaps = [c for c in found if c.is_gap]
        covered = [c for c in found if not c.is_gap]
        if not gaps:
            self.gap_list.addWidget(label(
                "今、社会資源につながっていない分類はありません。" if found
                else "解決していないニーズの記録も、ニーズの集計表の人数もありません。", wrap=True))
        for c in gaps:
            self.gap_list.addWidget(self._gap_card(c))
        self.covered_heading.setVisible(bool(covered))
        for c in covered:
            self.covered_list.addWidget(label(
                f"{c.category}: {amounts_text(c)} — {'、'.join(c.resource_names)}", wrap=True))

    def gap_lines(self) -> list[str]:
        """The main line of each gap, as shown (tests and the screen reader read these)."""
        return [f"{c.category}: {gap_line(c)}" for c in self.coverage if c.is_gap]

    @staticmethod
    def _gap_card(c: CoverageDTO) -> QFrame:
        frame = QFrame()
        frame.setProperty("role", "card")
        box = QVBoxLayout(frame)
        box.setSpacing(4)
        title = label(c.category, "vision")
        title.setToolTip(f"分類「{c.category}」")
        box.addWidget(title)
        box.addWidget(label(gap_line(c), "subheading", wrap=True))
        where = "記録の町内会" if c.table else "町内会"
        details = [f"{where}: {'、'.join(c.neighbourhoods)}"] if c.neighbourhoods else []
        if c.descriptions:
            details.append("声: " + " / ".join(f"「{d}」" for d in c.descriptions))
        if extra := table_detail(c):
            details.append(extra)
        if details:
            box.addWidget(label("\n".join(details), "note", wrap=True))
        return frame
