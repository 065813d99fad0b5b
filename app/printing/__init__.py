"""Printed matter (reportlab, Qt-free): 回覧 flyers, the supporters' handbook and its booklet,
resource lists and maps, needs and survey reports, survey forms, rosters and attendance sheets.

    from app.printing import render
    result = render(store, "flyer", council_id, "flyer.pdf", template="launch")

The names below are imported on first use: reportlab and every document module load when
something is printed (or the 印刷 page opens), not when a submodule such as `kinsoku` is used
or the window starts.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.printing.base import PrintError, RenderResult
    from app.printing.documents import COLOUR_KINDS, KIND_LABELS, KINDS, render, render_bytes
    from app.printing.flyer import TEMPLATES as FLYER_TEMPLATES

# public name -> (module, name there)
_LAZY = {
    "PrintError": ("base", "PrintError"),
    "RenderResult": ("base", "RenderResult"),
    "COLOUR_KINDS": ("documents", "COLOUR_KINDS"),
    "KIND_LABELS": ("documents", "KIND_LABELS"),
    "KINDS": ("documents", "KINDS"),
    "render": ("documents", "render"),
    "render_bytes": ("documents", "render_bytes"),
    "FLYER_TEMPLATES": ("flyer", "TEMPLATES"),
}

__all__ = ["COLOUR_KINDS", "FLYER_TEMPLATES", "KINDS", "KIND_LABELS", "PrintError", "RenderResult", "render",
           "render_bytes"]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
