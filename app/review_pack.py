"""``session.review_pack``: the figures of the annual review pack for one year, with no child
identifiable.
"""

from __future__ import annotations

from app.session_context import SessionContext


class ReviewPackService:
    def __init__(self, context: SessionContext) -> None:
        self._ctx = context
