"""A special-period campaign (holiday, anniversary, promotion): customers picked with archive filters, callbacks
spread over a date range and balanced over the specialists, generated off the UI thread with a cancellable bar."""
from __future__ import annotations

import datetime as dt
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QProgressDialog, QVBoxLayout, QWidget)

from desktop_cs import clock
from desktop_cs.i18n import _, ngettext
from desktop_cs.services import calendar as workcal
from desktop_cs.services import callbacks, labels, tiers
from desktop_cs.services.callbacks import CampaignResult, Cancelled
from desktop_cs.services.customers import CustomerQuery
from desktop_cs.services.errors import FormErrors, ServiceError
from desktop_cs.views.common import FieldError, explanation, field_with_error, text_width
from desktop_cs.views.common.events import events
from desktop_cs.views.common.workers import LatestOnlyWorker

if TYPE_CHECKING:
    from desktop_cs.models import User

#: the progress bar shows only when generating takes longer than this
PROGRESS_DELAY_MS = 500


class _ProgressRelay(QObject):
    """Carries (done, total) from the worker thread to the progress bar on the main thread."""

    progressed = Signal(int, int)


class CampaignDialog(QDialog):
    """Name, purpose, method, dates and archive filters of a campaign; Generate writes its callbacks."""

    #: the campaign was generated (its result)
    generated = Signal(object)

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("campaignDialog")
        self.setWindowTitle(_("New callback campaign"))
        self.actor = actor
        self.result_: CampaignResult | None = None
        self._cancel = threading.Event()
        self._progress: QProgressDialog | None = None
        self.worker = LatestOnlyWorker(self)
        self.worker.resultReady.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self.relay = _ProgressRelay(self)
        self.relay.progressed.connect(self._progressed)

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("campaignNameEdit")
        self.name_edit.setMaxLength(64)
        self.name_edit.setPlaceholderText(_("e.g. Mid-Autumn greetings"))
        self.purpose_combo = self._choices("campaignPurposeCombo", labels.CALLBACK_PURPOSES, "special_period")
        self.method_combo = self._choices("campaignMethodCombo", labels.CALLBACK_METHODS, "phone")
        today = clock.today()
        self.start_edit = self._date("campaignStartEdit", today + dt.timedelta(days=1))
        self.end_edit = self._date("campaignEndEdit", today + dt.timedelta(days=7))
        dates = QHBoxLayout()
        dates.addWidget(self.start_edit)
        dates.addWidget(QLabel("—"))
        dates.addWidget(self.end_edit)
        dates.addStretch(1)
        dates_cell = QWidget()
        dates_cell.setLayout(dates)
        dates.setContentsMargins(0, 0, 0, 0)

        self.text_edit = QLineEdit()
        self.text_edit.setObjectName("campaignSearch")
        self.text_edit.setPlaceholderText(_("Name, pinyin, mobile, tag… (empty = everyone)"))
        self.type_combo = self._filter("campaignTypeFilter", _("All types"), labels.choices(labels.CUSTOMER_TYPES))
        self.tier_combo = self._filter("campaignTierFilter", _("All tiers"),
                                       [(t.id, t.name) for t in tiers.list_tiers()])
        self.source_combo = self._filter("campaignSourceFilter", _("All sources"), labels.choices(labels.SOURCES))
        self.verification_combo = self._filter("campaignVerificationFilter", _("Any verification"),
                                               labels.choices(labels.VERIFICATIONS))
        self.specialist_combo = self._filter("campaignSpecialistFilter", _("All specialists"),
                                             callbacks.team_members())
        filters = QHBoxLayout()
        for combo in (self.type_combo, self.tier_combo, self.source_combo, self.verification_combo,
                      self.specialist_combo):
            filters.addWidget(combo)
        filters.addStretch(1)
        filters.setContentsMargins(0, 0, 0, 0)
        filter_cell = QWidget()
        filter_cell.setLayout(filters)
        self.text_edit.textChanged.connect(self.update_preview)

        self.preview_label = QLabel()
        self.preview_label.setObjectName("campaignPreview")
        self.preview_label.setWordWrap(True)
        self.errors = {name: FieldError(f"campaign{name.title()}Error") for name in
                       ("name", "purpose", "method", "dates", "filters", "specialists")}
        self.general_error = FieldError("formError")
        self.general_error.setWordWrap(True)

        form = QFormLayout()
        form.addRow(_("Name:"), field_with_error(self.name_edit, self.errors["name"]))
        form.addRow(_("Purpose:"), field_with_error(self.purpose_combo, self.errors["purpose"]))
        form.addRow(_("Method:"), field_with_error(self.method_combo, self.errors["method"]))
        form.addRow(_("From / to:"), field_with_error(dates_cell, self.errors["dates"]))
        form.addRow(_("Customers:"), self.text_edit)
        form.addRow("", field_with_error(filter_cell, self.errors["filters"]))
        form.addRow("", self.preview_label)

        buttons = QDialogButtonBox()
        self.generate_button = buttons.addButton(_("Generate callbacks"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setDefault(True)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        self.generate_button.clicked.connect(self.generate)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("The customers the filters pick are called over the working days of the "
                                       "period, shared evenly among the active specialists (a customer stays with "
                                       "their own specialist where the shares allow). Customers who asked not to "
                                       "be called are left out."), "campaignExplanation"))
        layout.addLayout(form)
        layout.addWidget(self.errors["specialists"])
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.setMinimumWidth(text_width(self, 96))
        self.update_preview()

    # -- building ------------------------------------------------------------------------------------------
    def _choices(self, object_name: str, table: dict[str, str], current: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(object_name)
        for code, text in labels.choices(table):
            combo.addItem(text, code)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        return combo

    def _date(self, object_name: str, value: dt.date) -> QDateEdit:
        edit = QDateEdit(QDate(value.year, value.month, value.day))
        edit.setObjectName(object_name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.dateChanged.connect(self.update_preview)
        return edit

    def _filter(self, object_name: str, everyone: str, items: list[tuple]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(object_name)
        combo.addItem(everyone, None)
        for code, text in items:
            combo.addItem(text, code)
        combo.currentIndexChanged.connect(self.update_preview)
        return combo

    # -- the query and its preview ----------------------------------------------------------------------------
    def query(self) -> CustomerQuery:
        return CustomerQuery(text=self.text_edit.text(), customer_type=self.type_combo.currentData(),
                             tier_id=self.tier_combo.currentData(), source=self.source_combo.currentData(),
                             verification=self.verification_combo.currentData(),
                             specialist_id=self.specialist_combo.currentData(), all_customers=True)

    def dates(self) -> tuple[dt.date, dt.date]:
        return self.start_edit.date().toPython(), self.end_edit.date().toPython()

    def update_preview(self, *_args) -> None:
        """How many customers and working days the campaign would cover (counts only: fast)."""
        try:
            calls, skipped = callbacks.campaign_preview(self.actor, self.query())
        except ServiceError as exc:
            self.preview_label.setText(exc.message)
            return
        start, end = self.dates()
        days = len(workcal.snapshot().working_days(start, end)) if start <= end else 0
        people = len(callbacks.team_members())
        text = ngettext("{n} customer to call", "{n} customers to call", calls).format(n=calls)
        text += " · " + ngettext("{n} working day", "{n} working days", days).format(n=days)
        text += " · " + ngettext("{n} specialist", "{n} specialists", people).format(n=people)
        if people and days:
            text += " · " + _("about {n} a day each").format(n=max(1, round(calls / people / days)) if calls else 0)
        if skipped:
            text += " · " + ngettext("{n} do-not-call customer left out", "{n} do-not-call customers left out",
                                     skipped).format(n=skipped)
        notice = workcal.unofficial_year_notice(end) if start <= end else None
        self.preview_label.setText(text + (f"\n{notice}" if notice else ""))

    # -- generating ---------------------------------------------------------------------------------------------
    def generate(self) -> None:
        """Generate the callbacks off the UI thread; a bar (after half a second) shows progress and can cancel."""
        for error in self.errors.values():
            error.clear_message()
        self.general_error.clear_message()
        self._cancel.clear()
        start, end = self.dates()
        name, purpose, method, query = (self.name_edit.text(), self.purpose_combo.currentData(),
                                        self.method_combo.currentData(), self.query())
        actor, relay, cancel = self.actor, self.relay, self._cancel

        def progress(done: int, total: int) -> bool:
            relay.progressed.emit(done, total)
            return not cancel.is_set()

        self._progress = QProgressDialog(_("Generating the campaign's callbacks…"), _("Cancel"), 0, 100, self)
        self._progress.setObjectName("campaignProgress")
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.setMinimumDuration(PROGRESS_DELAY_MS)
        self._progress.setAutoClose(False)
        self._progress.setAutoReset(False)
        self._progress.canceled.connect(self._cancel.set)
        self._progress.setValue(0)
        self.generate_button.setEnabled(False)
        self.worker.submit(lambda: callbacks.create_campaign(actor, name, purpose, method, query, start, end,
                                                             progress))

    def _progressed(self, done: int, total: int) -> None:
        if self._progress is not None and total:
            self._progress.setMaximum(total)
            self._progress.setValue(min(done, total))

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.hide()
            self._progress.deleteLater()
            self._progress = None
        self.generate_button.setEnabled(True)

    def _finished(self, result: CampaignResult) -> None:
        self._close_progress()
        self.result_ = result
        events().customersChanged.emit([])          # many customers: their pages refresh
        self.generated.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._close_progress()
        if isinstance(exc, Cancelled):
            self.general_error.show_message(exc.message)
        elif isinstance(exc, FormErrors):
            for name, message in exc.errors.items():
                (self.errors.get(name) or self.general_error).show_message(message)
        elif isinstance(exc, ServiceError):
            field = getattr(exc, "field", None)
            (self.errors.get(field or "") or self.general_error).show_message(exc.message)
        else:
            self.general_error.show_message(_("The campaign could not be generated: {error}").format(error=exc))

    def wait(self, msecs: int = 30000) -> bool:
        """Block until generating ends (tests)."""
        return self.worker.wait(msecs)

    def done(self, code: int) -> None:  # noqa: D401 - Qt override
        self._cancel.set()
        self.worker.wait(30000)
        super().done(code)
