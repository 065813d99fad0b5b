"""ささえあいノート: an offline notebook for 協議体 (community support councils)."""

__version__ = "0.1.0"
