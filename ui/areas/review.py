"""Annual review: the pack of the year's figures for the management committee, and the policy
register.

For the manager, the DSL and the committee reviewer (who sees this area and Home only). The pack
tab offers the years the vault has records for; "Build the pack…" reads the figures and lays out
the PDF off the UI thread, with progress (the figures are most of the work on a large vault, the
PDF the rest), then previews it through ``ui.printing.show_document``, which logs each print and
save. The pack is about nobody in particular, so its window title and audit entries name no child.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.documents import DocumentKind
from app.drafts import Draft
from app.session import Session
from ui import operations
from ui.areas import Area
from ui.child_forms import alive
from ui.form_parts import heading, message_label
from ui.printing import Built, show_document

if TYPE_CHECKING:
    from ui.pdf_preview import PdfPreviewDialog

PACK_TAB = "Annual review pack"
POLICIES_TAB = "Policies"
PACK_TITLE = "Annual review pack"  # the preview's window title: never a child's name
PACK_NOT_ALLOWED = (
    "Only the manager, the DSL or the committee reviewer can build the annual review pack. "
    "Ask the manager for a copy."
)
EXPLANATION = (
    "The pack gathers what a calendar year shows for the annual review of the information-sharing "
    "arrangements: the policies and what is due, decisions to share or not, concerns, consent, "
    "retention and disposal, staff, security and subject access requests, then the review "
    "questions and a page for the manager and the chair of the committee to sign.\n\n"
    "It holds figures only: no child or family member is named, and any count of 1 or 2 is printed "
    "as “fewer than 3”. Staff are named where they confirmed the confidentiality policy. Figures "
    "such as consent coverage are as they stand on the day the pack is built."
)
FIGURES_SHARE = 0.6  # of the progress bar: reading the figures; the rest is laying out the PDF


class ReviewArea(Area):
    """Object names: ``reviewTabs``; ``reviewYearCombo``, ``buildPackButton``,
    ``reviewPackSummary``; the Policies tab is ``policyRegisterPanel``."""

    title = "Annual review"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        from ui.policy_register import PolicyRegisterPanel  # helper module of the Policies tab

        self.preview: PdfPreviewDialog | None = None
        self._building = False

        self.year = QComboBox()
        self.year.setObjectName("reviewYearCombo")
        self.year.setAccessibleName("Year")
        self.build_button = QPushButton("&Build the pack…")
        self.build_button.setObjectName("buildPackButton")
        self.build_button.setAccessibleName("Build the pack")
        self.build_button.setEnabled(False)
        self.build_button.clicked.connect(lambda _checked=False: self.build_pack())
        self.summary = message_label("reviewPackSummary")
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        chooser = QHBoxLayout()
        year_label = QLabel("&Year")
        year_label.setBuddy(self.year)
        chooser.addWidget(year_label)
        chooser.addWidget(self.year)
        chooser.addWidget(self.build_button)
        chooser.addStretch(1)
        pack_page = QWidget()
        pack_page.setObjectName("reviewPackPage")
        pack_layout = QVBoxLayout(pack_page)
        pack_layout.addWidget(heading(PACK_TAB))
        pack_layout.addWidget(explanation)
        pack_layout.addLayout(chooser)
        pack_layout.addWidget(self.summary)
        pack_layout.addStretch(1)

        self.policies = PolicyRegisterPanel(session)
        self._policies_loaded = False
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reviewTabs")
        self.tabs.addTab(pack_page, PACK_TAB)
        self.tabs.addTab(self.policies, POLICIES_TAB)
        self.tabs.currentChanged.connect(lambda _index: self._tab_shown())
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    # --- loading ------------------------------------------------------------------------------

    def opened(self) -> None:
        self.load_years()
        self._policies_loaded = False
        self._tab_shown()

    def _tab_shown(self) -> None:
        """The register is read the first time its tab is shown after the area opens."""
        if self.tabs.currentWidget() is self.policies and not self._policies_loaded:
            self._policies_loaded = True
            self.policies.opened()

    def load_years(self) -> None:
        session = self.session  # its review_pack is made on the worker: the first time, that
        # imports app.review_pack and its modules, ~40 ms the window would otherwise wait for
        operations.run(
            self,
            lambda _p: session.review_pack.years(),
            label="Finding the years with records…",
            on_success=self._show_years,
        )

    def _show_years(self, years: list[int]) -> None:
        if not alive(self):
            return
        chosen = self.year.currentData()
        self.year.blockSignals(True)
        self.year.clear()
        for year in years:
            self.year.addItem(str(year), year)
        index = self.year.findData(chosen) if chosen is not None else -1
        # A new review is usually of the year just ended, once it has ended: the newest full year.
        self.year.setCurrentIndex(index if index >= 0 else min(1, len(years) - 1))
        self.year.blockSignals(False)
        self._update_button()

    def _update_button(self) -> None:
        self.build_button.setEnabled(self.year.count() > 0 and not self._building)

    # --- the pack -----------------------------------------------------------------------------

    def chosen_year(self) -> int | None:
        year = self.year.currentData()
        return year if isinstance(year, int) else None

    def build_pack(self) -> None:
        """Read the figures and build the PDF off the UI thread, then preview it."""
        year = self.chosen_year()
        if year is None or self._building:
            return
        session = self.session
        pages: list[int] = []

        def build(progress: operations.Progress) -> Built:
            from app.reports.review_pack import build_review_pack

            figures = session.review_pack.figures(
                year, progress=lambda done, total: progress(FIGURES_SHARE * done / total)
            )
            pdf = build_review_pack(
                figures, progress=lambda f: progress(FIGURES_SHARE + (1 - FIGURES_SHARE) * f)
            )
            pages.append(pdf.pages)
            return pdf

        def shown(dialog: PdfPreviewDialog) -> None:
            self.preview = dialog
            if alive(self) and pages:
                self.summary.setText(
                    f"The pack for {year} is ready: {pages[-1]} pages. Print it or save it from the preview."
                )

        def done() -> None:
            self._building = False
            if alive(self):
                self._update_button()

        self._building = True
        self._update_button()
        self.summary.setText(f"Building the pack for {year}…")
        show_document(
            self,
            session,
            build,
            kind=DocumentKind.REVIEW_PACK,
            title=PACK_TITLE,
            document_kind="Annual review pack",
            not_allowed=PACK_NOT_ALLOWED,
            label=f"Building the annual review pack for {year}…",
            glyphs_name="reviewGlyphsDialog",
            on_shown=shown,
            on_done=done,
        )

    # --- drafts and forgetting ----------------------------------------------------------------

    def restore_draft(self, draft: Draft) -> bool:
        """Policy forms keep drafts at lock; they reopen on the Policies tab."""
        self.tabs.setCurrentWidget(self.policies)
        return bool(self.policies.restore_draft(draft))

    def forget(self) -> None:
        self.year.clear()
        self.summary.clear()
        self._update_button()
        self.policies.forget()
        self._policies_loaded = False
        if self.preview is not None and alive(self.preview):
            self.preview.forget()
        self.preview = None
