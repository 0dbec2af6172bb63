"""``session.subject_access``: requests from parents to see what is held about their child, the pack
gathered for each, and what was released.
"""

from __future__ import annotations

from app.session_context import SessionContext


class SubjectAccessService:
    def __init__(self, context: SessionContext) -> None:
        self._ctx = context
