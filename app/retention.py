"""``session.retention``: which records are past their retention period, decisions to keep them, legal
holds, and destruction.
"""

from __future__ import annotations

from app.session_context import SessionContext


class RetentionService:
    def __init__(self, context: SessionContext) -> None:
        self._ctx = context
