"""``session.policies``: the policy register, the setting's information-sharing protocol status, and
staff acknowledgements of the confidentiality and information-sharing policy.
"""

from __future__ import annotations

from app.session_context import SessionContext


class PolicyService:
    def __init__(self, context: SessionContext) -> None:
        self._ctx = context
