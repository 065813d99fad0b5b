"""Printed matter (reportlab, Qt-free): 回覧 flyers, the supporters' handbook and its booklet,
resource lists and maps, needs and survey reports, survey forms, rosters and attendance sheets.

    from app.printing import render
    result = render(store, "flyer", council_id, "flyer.pdf", template="launch")
"""

from app.printing.base import PrintError, RenderResult
from app.printing.documents import COLOUR_KINDS, KIND_LABELS, KINDS, render, render_bytes
from app.printing.flyer import TEMPLATES as FLYER_TEMPLATES

__all__ = ["COLOUR_KINDS", "FLYER_TEMPLATES", "KINDS", "KIND_LABELS", "PrintError", "RenderResult", "render",
           "render_bytes"]
