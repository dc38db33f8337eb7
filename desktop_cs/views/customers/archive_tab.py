"""The customer archive tab (客户档案): search as you type, filters, the lazy list, the customer page and the commands."""
from __future__ import annotations

import contextlib
import importlib
import re
from typing import TYPE_CHECKING, Any, Iterator

from PySide6.QtCore import QByteArray, QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QCompleter, QHBoxLayout, QInputDialog, QLabel, QLineEdit,
                               QMessageBox, QPushButton, QSplitter, QVBoxLayout, QWidget)

from desktop_cs import settings
from desktop_cs.i18n import _, ngettext
from desktop_cs.services import assignment, customers, labels, tiers, users
from desktop_cs.services.customers import CustomerQuery
from desktop_cs.services.errors import ServiceError
from desktop_cs.services.permissions import ASSIGN, EDIT_SETTINGS, allowed
from desktop_cs.views.common import show_error, text_width
from desktop_cs.views.common.list_table import ListTable
from desktop_cs.views.common.events import events
from desktop_cs.views.common.workers import LatestOnlyWorker
from desktop_cs.views.customers.table_model import COLUMNS, CustomerTableModel

if TYPE_CHECKING:
    from desktop_cs.models import User

HEADER_KEY = "customer_archive/header"
SPLITTER_KEY = "customer_archive/splitter"

#: the customer page follows the current row after this pause (arrow keys held down load no page)
PAGE_DELAY_MS = 120
#: the match count starts after this pause in typing (the first page does not wait for it)
COUNT_DELAY_MS = 150
#: show "Counting…" only when the count takes longer than this
COUNTING_DELAY_MS = 300
#: settings are written this long after the last column resize
SAVE_DELAY_MS = 500

_PACKAGE = "desktop_cs.views.customers"
_UNASSIGNED = "unassigned"
_PHONE_LIKE = re.compile(r"^[+\d][\d\s-]{5,}$")


class ArchiveTable(ListTable):
    """The customer list; Enter opens the current customer for editing (``activated``), Del deletes."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("customerTable", parent, multi_select=True)
        self.setCornerButtonEnabled(False)
        self.horizontalHeader().setSortIndicatorClearable(True)


class CustomerArchiveTab(QWidget):
    """Find, record, assign and follow every customer: the first of the four working areas."""

    #: the number of customers matching the search and filters (-1 while counting)
    matchCountChanged = Signal(int)

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("customerArchiveTab")
        self.actor = actor
        self.is_supervisor = allowed(actor, ASSIGN)
        self._match_count: int | None = None
        self._stashed: tuple[list[int], int | None] = ([], None)
        self._quiet = False
        self._tags: set[str] = set()

        self.model = CustomerTableModel(actor, self)
        self.counter = LatestOnlyWorker(self)
        self.counter.resultReady.connect(self._count_arrived)
        self.counter.failed.connect(self._count_failed)

        #: the match count, for the main window's status bar (it adopts the label)
        self.count_label = QLabel()
        self.count_label.setObjectName("matchCountLabel")

        self._build_buttons()
        self._build_filters()
        self._build_list()
        self._build_shortcuts()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.setSpacing(6)
        layout.addLayout(self._button_row)
        layout.addLayout(self._search_row)
        layout.addLayout(self._filter_row)
        layout.addWidget(self.splitter, 1)

        self._page_timer = QTimer(self)
        self._page_timer.setSingleShot(True)
        self._page_timer.setInterval(PAGE_DELAY_MS)
        self._page_timer.timeout.connect(self._show_current_on_page)
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self._start_count)
        self._counting_timer = QTimer(self)
        self._counting_timer.setSingleShot(True)
        self._counting_timer.setInterval(COUNTING_DELAY_MS)
        self._counting_timer.timeout.connect(self._show_counting)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_layout)

        self._load_reference_data()
        self._restore_layout()
        self.model.setQuery(self.current_query())
        # after the first page is in: the header's sort indicator now matches the query, so
        # enabling sorting does not load it again
        self.table.setSortingEnabled(True)
        self._after_query()

        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.selectionModel().currentRowChanged.connect(lambda *_args: self._page_timer.start())
        self.model.modelAboutToBeReset.connect(self._stash_selection)
        self.model.modelReset.connect(self._restore_selection)
        header = self.table.horizontalHeader()
        header.sectionResized.connect(lambda *_args: self._save_timer.start())
        header.sortIndicatorChanged.connect(lambda *_args: self._save_timer.start())
        self.splitter.splitterMoved.connect(lambda *_args: self._save_timer.start())

        hub = events()
        hub.customersChanged.connect(self._customers_changed)
        hub.referenceDataChanged.connect(self._reference_data_changed)
        hub.openCustomer.connect(self.show_customer)
        self._update_actions()

    # -- building ------------------------------------------------------------------------------
    def _button(self, object_name: str, text: str, slot, tooltip: str = "", shortcut: str | None = None,
                supervisor: bool = False) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(object_name)
        button.setAutoDefault(False)
        if shortcut:
            button.setShortcut(QKeySequence(shortcut))
            shown = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            tooltip = f"{tooltip} ({shown})" if tooltip else shown
        if tooltip:
            button.setToolTip(tooltip)
        button.clicked.connect(slot)
        if supervisor and not self.is_supervisor:
            self._keep_hidden(button)
        return button

    def _keep_hidden(self, widget: QWidget) -> None:
        """A command this user does not get: kept (hidden, disabled) so the code needs no special case."""
        widget.setParent(self)
        widget.setEnabled(False)
        widget.hide()

    def _build_buttons(self) -> None:
        self.new_button = self._button("newCustomerButton", _("New customer"), self.new_customer,
                                       _("Record a new customer"), "Ctrl+N")
        self.edit_button = self._button("editCustomerButton", _("Edit"), self.edit_customer,
                                        _("Edit the selected customer (Enter or double-click)"))
        self.enquiry_button = self._button("enquiryButton", _("Record enquiry"), self.record_enquiry,
                                           _("Record a hotline or online enquiry for the selected customer "
                                             "or a caller's number"), "Ctrl+E")
        self.delete_button = self._button("deleteCustomerButton", _("Delete"), self.delete_customers,
                                          _("Delete the selected customers (Del); their history stays"))
        self.merge_button = self._button("mergeButton", _("Merge"), self.merge_customers,
                                         _("Merge the two selected customers (duplicates)"))
        self.assign_button = self._button("assignButton", _("Assign…"), self.assign_customers,
                                          _("Assign the selected customers to a specialist"), supervisor=True)
        self.auto_assign_button = self._button("autoAssignButton", _("Auto-assign"), self.auto_assign,
                                               _("Give every unassigned customer to the specialist holding "
                                                 "fewest"), supervisor=True)
        self.handover_button = self._button("handoverButton", _("Handover…"), self.handover,
                                            _("Move all customers of one specialist, with their open callbacks "
                                              "and complaints, to another"), supervisor=True)
        self.tiers_button = self._button("tiersButton", _("Tiers…"), self.edit_tiers,
                                         _("Edit the customer tiers"), supervisor=True)
        if not allowed(self.actor, EDIT_SETTINGS):
            self._keep_hidden(self.tiers_button)
        self.restore_button = self._button("restoreButton", _("Restore"), self.restore_customers,
                                           _("Bring the selected deleted customers back"), supervisor=True)
        self.erase_button = self._button("eraseButton", _("Erase personal data"), self.erase_customer,
                                         _("Anonymise the selected customer at their request (final)"),
                                         supervisor=True)

        row = QHBoxLayout()
        row.setSpacing(4)
        for button in (self.new_button, self.edit_button, self.enquiry_button, self.delete_button,
                       self.merge_button):
            row.addWidget(button)
        if self.is_supervisor:
            row.addSpacing(16)
            for button in (self.assign_button, self.auto_assign_button, self.handover_button, self.tiers_button):
                row.addWidget(button)
        row.addStretch(1)
        if self.is_supervisor:
            row.addWidget(self.restore_button)
            row.addWidget(self.erase_button)
        self._button_row = row

    def _combo(self, object_name: str, tooltip: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(object_name)
        combo.setToolTip(tooltip)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(self._filters_changed)
        return combo

    def _build_filters(self) -> None:
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("customerSearch")
        self.search_edit.setPlaceholderText(_("Search name, pinyin, mobile, ID, email, QQ/WeChat, tag"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setToolTip(_("Any part of the text; 张三 is found by 张, 張, zhangsan or zs (Ctrl+F)"))
        self.search_edit.setMinimumWidth(text_width(self.search_edit, 44))
        self.search_edit.textChanged.connect(self._filters_changed)
        self.search_edit.returnPressed.connect(self._focus_list)
        self.search_edit.installEventFilter(self)

        self.not_contacted_check = QCheckBox(_("Not contacted within a week"))
        self.not_contacted_check.setObjectName("notContactedFilter")
        self.not_contacted_check.setToolTip(_("Assigned more than a week ago and not yet contacted by the "
                                              "assigned specialist"))
        self.not_contacted_check.toggled.connect(self._filters_changed)

        self.all_customers_check = QCheckBox(_("All customers"))
        self.all_customers_check.setObjectName("allCustomersToggle")
        self.all_customers_check.setToolTip(_("Show every customer, not only those assigned to you"))
        self.all_customers_check.toggled.connect(self._filters_changed)

        self.show_deleted_check = QCheckBox(_("Show deleted"))
        self.show_deleted_check.setObjectName("showDeletedToggle")
        self.show_deleted_check.setToolTip(_("List the deleted customers instead, to restore them"))
        self.show_deleted_check.toggled.connect(self._filters_changed)

        search_row = QHBoxLayout()
        search_row.setSpacing(8)
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.not_contacted_check)
        if self.is_supervisor:
            search_row.addWidget(self.show_deleted_check)
            self._keep_hidden(self.all_customers_check)
        else:
            search_row.addWidget(self.all_customers_check)
            self._keep_hidden(self.show_deleted_check)
        self._search_row = search_row

        self.type_combo = self._combo("typeFilter", _("Customer type"))
        self.tier_combo = self._combo("tierFilter", _("Customer tier"))
        self.source_combo = self._combo("sourceFilter", _("Source channel"))
        self.verification_combo = self._combo("verificationFilter", _("Verification status"))
        self.specialist_combo = self._combo("specialistFilter", _("Assigned specialist"))

        self.tag_combo = QComboBox()
        self.tag_combo.setObjectName("tagFilter")
        self.tag_combo.setEditable(True)
        self.tag_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.tag_combo.setToolTip(_("Customers with this tag"))
        self.tag_combo.lineEdit().setPlaceholderText(_("Tag"))
        self.tag_combo.setMinimumWidth(text_width(self.tag_combo, 14))
        self.tag_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.tag_combo.setMinimumContentsLength(8)
        self.tag_combo.editTextChanged.connect(self._tag_text_changed)
        self.tag_combo.lineEdit().editingFinished.connect(self._filters_changed)
        completer = QCompleter(self.tag_combo.model(), self.tag_combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.tag_combo.setCompleter(completer)

        self.clear_button = QPushButton(_("Clear filters"))
        self.clear_button.setObjectName("clearFiltersButton")
        self.clear_button.setAutoDefault(False)
        self.clear_button.clicked.connect(self.clear_filters)

        filter_row = QHBoxLayout()
        filter_row.setSpacing(6)
        for combo in (self.type_combo, self.tier_combo, self.source_combo, self.verification_combo):
            filter_row.addWidget(combo)
        if self.is_supervisor:
            filter_row.addWidget(self.specialist_combo)
        else:
            self._keep_hidden(self.specialist_combo)
        filter_row.addWidget(self.tag_combo)
        filter_row.addWidget(self.clear_button)
        filter_row.addStretch(1)
        self._filter_row = filter_row

    def _build_list(self) -> None:
        self.table = ArchiveTable()
        self.table.setModel(self.model)
        self.table.activated.connect(lambda _index: self.edit_customer())

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("archiveSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.page = self._make_page()
        if self.page is not None:
            self.splitter.addWidget(self.page)
            self.splitter.setStretchFactor(0, 3)
            self.splitter.setStretchFactor(1, 2)

    def _make_page(self) -> QWidget | None:
        """The customer page beside the list (None while that module is not there)."""
        try:
            module = importlib.import_module(f"{_PACKAGE}.customer_page")
        except ModuleNotFoundError as exc:
            if exc.name != f"{_PACKAGE}.customer_page":
                raise
            return None
        page = module.CustomerPage(self.actor)
        page.setObjectName(page.objectName() or "customerPage")
        page.setMinimumWidth(text_width(self, 36))
        return page

    def _build_shortcuts(self) -> None:
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setObjectName("findShortcut")
        find.activated.connect(self.focus_search)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete.setObjectName("deleteShortcut")
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._delete_shortcut)
        self.shortcuts = {"find": find, "delete": delete}

    # -- reference data in the filters ---------------------------------------------------------
    @staticmethod
    def _fill(combo: QComboBox, items: list[tuple[str, Any]]) -> None:
        """Replace COMBO's items, keeping the chosen one when it is still there (no change signal)."""
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def _load_reference_data(self) -> None:
        self._fill(self.type_combo, [(_("All types"), None)]
                   + [(text, code) for code, text in labels.choices(labels.CUSTOMER_TYPES)])
        self._fill(self.tier_combo, [(_("All tiers"), None)] + [(t.name, t.id) for t in tiers.list_tiers()])
        self._fill(self.source_combo, [(_("All sources"), None)]
                   + [(text, code) for code, text in labels.choices(labels.SOURCES)])
        self._fill(self.verification_combo, [(_("Any verification"), None)]
                   + [(text, code) for code, text in labels.choices(labels.VERIFICATIONS)]
                   + [(_("Not real-name verified"), "not_realname")])
        if self.is_supervisor:
            self._fill(self.specialist_combo, [(_("All specialists"), None), (_("Unassigned"), _UNASSIGNED)]
                       + [(u.display_name, u.id) for u in users.active_specialists()])
        text = self.tag_combo.currentText()
        names = tiers.all_tags()
        self._tags = set(names)
        self.tag_combo.blockSignals(True)
        self.tag_combo.clear()
        self.tag_combo.addItem("")
        self.tag_combo.addItems(names)
        self.tag_combo.setEditText(text)
        self.tag_combo.blockSignals(False)

    def _reference_data_changed(self) -> None:
        self._load_reference_data()
        with self._errors_shown():
            self.model.setQuery(self.current_query())     # tier names may have changed: load again
        self._after_query()

    # -- the query -------------------------------------------------------------------------------
    def current_query(self) -> CustomerQuery:
        """The search text and filters as set on screen, in the list's current order."""
        order = self.model.query()
        specialist = self.specialist_combo.currentData() if self.is_supervisor else None
        tag = self.tag_combo.currentText().strip()
        return CustomerQuery(
            text=self.search_edit.text(),
            customer_type=self.type_combo.currentData(),
            tier_id=self.tier_combo.currentData(),
            source=self.source_combo.currentData(),
            verification=self.verification_combo.currentData(),
            specialist_id=specialist if isinstance(specialist, int) else None,
            unassigned=specialist == _UNASSIGNED,
            not_contacted=self.not_contacted_check.isChecked(),
            tag=tag or None,
            all_customers=self.is_supervisor or self.all_customers_check.isChecked(),
            deleted=self.is_supervisor and self.show_deleted_check.isChecked(),
            sort=order.sort,
            descending=order.descending,
        )

    def _filters_changed(self, *_args) -> None:
        """Search text or a filter changed: show the first page now, count in the background."""
        query = self.current_query()
        if query == self.model.query():
            return
        with self._errors_shown():
            self.model.setQuery(query)
        self._after_query()

    def _tag_text_changed(self, text: str) -> None:
        # a half-typed tag would empty the list: filter once the text is a known tag (or cleared)
        if not text.strip() or text.strip() in self._tags:
            self._filters_changed()

    def _after_query(self) -> None:
        """After a new first page: count the matches (at once when all are loaded) and refresh the commands."""
        self._count()
        self._update_actions()
        if self.model.rowCount() == 1 and not self.table.selectionModel().hasSelection():
            self._select_ids([self.model.customer_id(0)], self.model.customer_id(0))
        elif not self.table.selectionModel().hasSelection():
            self._page_timer.start()

    def clear_filters(self) -> None:
        """Back to the whole list (own customers for a specialist); the search text stays."""
        for combo in (self.type_combo, self.tier_combo, self.source_combo, self.verification_combo,
                      self.specialist_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        for check in (self.not_contacted_check, self.show_deleted_check):
            check.blockSignals(True)
            check.setChecked(False)
            check.blockSignals(False)
        self.tag_combo.blockSignals(True)
        self.tag_combo.setEditText("")
        self.tag_combo.blockSignals(False)
        self._filters_changed()

    # -- the match count (off the UI thread) ---------------------------------------------------
    def _count(self) -> None:
        self.counter.cancel()                    # whatever is being counted is stale now
        self._counting_timer.stop()
        if not self.model.hasMoreRows():
            self._count_timer.stop()
            self._set_count(self.model.rowCount())
            return
        self._match_count = None
        # counted once typing pauses: no query per keystroke competing with the page shown
        self._count_timer.start()
        self._counting_timer.start()

    def _start_count(self) -> None:
        actor, query = self.actor, self.model.query()
        self.counter.submit(lambda: customers.count(actor, query))

    def _count_arrived(self, n: int) -> None:
        self._counting_timer.stop()
        self._set_count(n)

    def _count_failed(self, exc: BaseException) -> None:
        self._counting_timer.stop()
        if isinstance(exc, ServiceError):
            self.count_label.setText(exc.message)
            return
        raise exc      # a bug: let the application's exception hook report it

    def _show_counting(self) -> None:
        self.count_label.setText(_("Counting…"))
        self.matchCountChanged.emit(-1)

    def _set_count(self, n: int) -> None:
        self._match_count = n
        if self.is_supervisor and self.show_deleted_check.isChecked():
            text = ngettext("{n} deleted customer matches", "{n} deleted customers match", n)
        else:
            text = ngettext("{n} customer matches", "{n} customers match", n)
        self.count_label.setText(text.format(n=n))
        self.matchCountChanged.emit(n)

    @property
    def match_count(self) -> int | None:
        """The last count shown (None while counting)."""
        return self._match_count

    # -- selection -------------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        """The selected customers, top to bottom."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [cid for cid in (self.model.customer_id(r) for r in rows) if cid is not None]

    def current_id(self) -> int | None:
        """The customer of the current row (the one the page shows), if it is selected."""
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.customer_id(index.row())

    def _select_ids(self, ids: list[int], current: int | None) -> None:
        """Select the rows of IDS that are loaded, CURRENT (or the first of them) as the current row."""
        rows = sorted({row for row in (self.model.row_of(cid) for cid in ids) if row >= 0})
        if not rows:
            return
        selection = self.table.selectionModel()
        flag = QItemSelectionModel.SelectionFlag
        self._quiet = True              # one update of the commands at the end, not one per row
        try:
            for n, row in enumerate(rows):
                selection.setCurrentIndex(self.model.index(row, 0),
                                          (flag.ClearAndSelect if n == 0 else flag.Select) | flag.Rows)
            row = self.model.row_of(current) if current is not None else -1
            if row < 0 or not selection.isRowSelected(row):
                row = rows[0]
            selection.setCurrentIndex(self.model.index(row, 0), flag.NoUpdate)
        finally:
            self._quiet = False
        self._selection_changed()
        self.table.scrollTo(self.model.index(row, 0))

    def _stash_selection(self) -> None:
        self._stashed = (self.selected_ids(), self.current_id())

    def _restore_selection(self) -> None:
        """After the list was loaded again (search, sort, refresh): select the same customers if still listed."""
        selected, current = self._stashed
        self._stashed = ([], None)
        if selected:
            self._select_ids(selected, current)
        self._update_actions()

    def _selection_changed(self, *_args) -> None:
        if self._quiet:
            return
        self._update_actions()
        self._page_timer.start()

    def _show_current_on_page(self) -> None:
        if self.page is None:
            return
        ids = self.selected_ids()
        current = self.current_id()
        self.page.set_customer(current if current is not None else (ids[0] if len(ids) == 1 else None))

    def show_customer(self, customer_id: int) -> None:
        """Select CUSTOMER_ID in the list if it is there, and show it on the page in any case."""
        if self.model.row_of(customer_id) >= 0:
            self._select_ids([customer_id], customer_id)
        if self.page is not None:
            self._page_timer.stop()
            self.page.set_customer(customer_id)

    def _update_actions(self, *_args) -> None:
        n = len(self.selected_ids())
        deleted = self.is_supervisor and self.show_deleted_check.isChecked()
        self.edit_button.setEnabled(n == 1 and not deleted)
        self.enquiry_button.setEnabled(not deleted and n <= 1)
        self.delete_button.setEnabled(n >= 1 and not deleted)
        self.merge_button.setEnabled(n == 2 and not deleted)
        self.new_button.setEnabled(not deleted)
        if self.is_supervisor:
            self.assign_button.setEnabled(n >= 1 and not deleted)
            self.auto_assign_button.setEnabled(not deleted)
            self.restore_button.setEnabled(n >= 1 and deleted)
            self.erase_button.setEnabled(n == 1)
        self.shortcuts["delete"].setEnabled(self.delete_button.isEnabled())

    # -- keyboard ----------------------------------------------------------------------------------
    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the search box, its text selected for typing over."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.selectionModel().hasSelection() and self.model.rowCount():
            self._select_ids([self.model.customer_id(0)], self.model.customer_id(0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (watched is self.search_edit and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Down):
            self._focus_list()
            return True
        return super().eventFilter(watched, event)

    def _delete_shortcut(self) -> None:
        if self.delete_button.isEnabled():
            self.delete_customers()

    # -- commands ----------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _errors_shown(self) -> Iterator[None]:
        """Show a service's refusal as a message; anything else is a bug and goes on up."""
        try:
            yield
        except ServiceError as exc:
            show_error(self, exc.message)

    def _dialog(self, module: str, name: str):
        """A dialog class of this package, imported on first use (None, said so, when it is not there)."""
        try:
            return getattr(importlib.import_module(f"{_PACKAGE}.{module}"), name)
        except ModuleNotFoundError as exc:
            if exc.name != f"{_PACKAGE}.{module}":
                raise
            QMessageBox.information(self, _("Customer archive"), _("This function is not available yet."))
            return None

    def _changed(self, ids: list[int]) -> None:
        """Announce a write: every open view (this list included) refreshes."""
        events().customersChanged.emit(list(ids))

    def _customers_changed(self, _ids: list) -> None:
        self.reload()

    def reload(self) -> None:
        """Load the list again after a change, keeping the selection and the current customer."""
        with self._errors_shown():
            self.model.refresh()
        self._after_query()
        self._page_timer.start()

    def _customer_name(self, customer_id: int) -> str:
        row = self.model.row_of(customer_id)
        found = self.model.customer_row(row)
        return found.name if found else str(customer_id)

    def new_customer(self) -> None:
        dialog = self._dialog("customer_dialog", "CustomerDialog")
        if dialog is None:
            return
        with self._errors_shown():
            customer_id = dialog.create(self, self.actor)
            if customer_id:
                self._changed([customer_id])
                self.show_customer(customer_id)

    def edit_customer(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1 or not self.edit_button.isEnabled():
            return
        dialog = self._dialog("customer_dialog", "CustomerDialog")
        if dialog is None:
            return
        with self._errors_shown():
            if dialog.edit(self, self.actor, ids[0]):
                self._changed(ids)

    def record_enquiry(self) -> None:
        dialog = self._dialog("enquiry_dialog", "EnquiryDialog")
        if dialog is None:
            return
        ids = self.selected_ids()
        customer_id = ids[0] if len(ids) == 1 else None
        text = self.search_edit.text().strip()
        number = text if customer_id is None and _PHONE_LIKE.match(text) else ""
        with self._errors_shown():
            if dialog.ask(self, self.actor, customer_id=customer_id, caller_number=number):
                self._changed([customer_id] if customer_id else [])

    def delete_customers(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if len(ids) == 1:
            question = _("Delete customer {name}?").format(name=self._customer_name(ids[0]))
        else:
            question = _("Delete these {n} customers?").format(n=len(ids))
        question += "\n\n" + _("They leave the lists; their callbacks, complaints and points stay, and a "
                               "supervisor can restore them.")
        answer = QMessageBox.question(self, _("Delete customers"), question,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        reason, ok = QInputDialog.getText(self, _("Delete customers"),
                                          _("Reason for deleting (kept in the audit log):"))
        if not ok:
            return
        done: list[int] = []
        try:
            with self._errors_shown():
                for customer_id in ids:
                    customers.delete_customer(self.actor, customer_id, reason.strip())
                    done.append(customer_id)
        finally:
            if done:
                self._changed(done)

    def merge_customers(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 2:
            return
        dialog = self._dialog("merge_dialog", "MergeDialog")
        if dialog is None:
            return
        keep, absorb = sorted(ids)        # keep the older record: usually the one with the history
        with self._errors_shown():
            if dialog.ask(self, self.actor, keep, absorb):
                self._changed([keep, absorb])

    def assign_customers(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        dialog = self._dialog("assign_dialog", "AssignDialog")
        if dialog is None:
            return
        with self._errors_shown():
            if dialog.ask(self, self.actor, ids):
                self._changed(ids)

    def auto_assign(self) -> None:
        with self._errors_shown():
            waiting = customers.count(self.actor, CustomerQuery(unassigned=True, all_customers=True))
            if not waiting:
                QMessageBox.information(self, _("Auto-assign"), _("Every customer has a specialist already."))
                return
            answer = QMessageBox.question(
                self, _("Auto-assign"),
                ngettext("Give the {n} unassigned customer to the specialists, each to the one holding fewest?",
                         "Give the {n} unassigned customers to the specialists, each to the one holding fewest?",
                         waiting).format(n=waiting),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
            result = assignment.auto_assign(self.actor)
            self._changed([])
            names = {uid: name for uid, name, _load in assignment.specialist_loads()}
            lines = [_("{name}: {given} new, {held} in all").format(name=names.get(uid, str(uid)), given=given,
                                                                    held=result.loads.get(uid, 0))
                     for uid, given in sorted(result.given.items(), key=lambda item: names.get(item[0], ""))]
            total = sum(result.given.values())
            QMessageBox.information(self, _("Auto-assign"),
                                    ngettext("{n} customer assigned.", "{n} customers assigned.", total)
                                    .format(n=total) + "\n\n" + "\n".join(lines))

    def handover(self) -> None:
        dialog = self._dialog("assign_dialog", "HandoverDialog")
        if dialog is None:
            return
        with self._errors_shown():
            if dialog.ask(self, self.actor):
                self._changed([])

    def edit_tiers(self) -> None:
        dialog = self._dialog("tier_dialog", "TierDialog")
        if dialog is None:
            return
        with self._errors_shown():
            if dialog.ask(self, self.actor):
                events().referenceDataChanged.emit()
                self._changed([])

    def restore_customers(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        done: list[int] = []
        try:
            with self._errors_shown():
                for customer_id in ids:
                    customers.restore_customer(self.actor, customer_id)
                    done.append(customer_id)
        finally:
            if done:
                self._changed(done)

    def erase_customer(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            return
        customer_id = ids[0]
        name = self._customer_name(customer_id)
        reason, ok = QInputDialog.getText(
            self, _("Erase personal data"),
            _("Erasing anonymises {name} for good: name, ID number, mobile, email, QQ/WeChat and memo are "
              "removed; callbacks, complaints and points keep their figures.\n\nReason (e.g. the customer's "
              "request and its date):").format(name=name))
        if not ok:
            return
        if not reason.strip():
            show_error(self, _("Give the reason for erasing (e.g. the customer's request and its date)."))
            return
        answer = QMessageBox.warning(
            self, _("Erase personal data"),
            _("Erase the personal data of {name} now? This cannot be undone.").format(name=name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        with self._errors_shown():
            customers.erase_personal_data(self.actor, customer_id, reason.strip())
            self._changed([customer_id])

    # -- layout, remembered per PC ---------------------------------------------------------------
    def _default_column_widths(self) -> None:
        """Size the columns from the header and typical values (never by measuring every row)."""
        samples: dict[str, list[str]] = {
            "customer_type": [text for _code, text in labels.choices(labels.CUSTOMER_TYPES)],
            "source": [text for _code, text in labels.choices(labels.SOURCES)],
            "verification": [" · ".join(labels.label(labels.VERIFICATIONS, key)
                                         for key in ("realname", "mobile", "email"))],
            "tier": [self.tier_combo.itemText(i) for i in range(1, self.tier_combo.count())],
        }
        metrics = self.table.fontMetrics()
        header_metrics = self.table.horizontalHeader().fontMetrics()
        widest = text_width(self.table, 40)
        for index, column in enumerate(COLUMNS):
            header = header_metrics.horizontalAdvance(_(column.title)) + 28   # room for the sort arrow
            values = samples.get(column.key) or [column.sample]
            sample = max(metrics.horizontalAdvance(text) for text in [column.sample, *values]) + 16
            self.table.setColumnWidth(index, min(max(header, sample), widest))

    def _restore_layout(self) -> None:
        self._default_column_widths()
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        self.model.setOrder("id", True)          # newest first until a column is chosen
        store = settings.qsettings()
        state = store.value(HEADER_KEY)
        if isinstance(state, QByteArray) and header.restoreState(state):
            section = header.sortIndicatorSection()
            if 0 <= section < len(COLUMNS):
                self.model.setOrder(COLUMNS[section].sort_key,
                                    header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder)
        splitter = store.value(SPLITTER_KEY)
        if not (isinstance(splitter, QByteArray) and self.splitter.restoreState(splitter)) and self.page is not None:
            self.splitter.setSizes([900, 440])     # the list gets the room; the page stays readable

    def save_layout(self) -> None:
        """Remember the column widths, the order and the splitter for the next start."""
        store = settings.qsettings()
        store.setValue(HEADER_KEY, self.table.horizontalHeader().saveState())
        store.setValue(SPLITTER_KEY, self.splitter.saveState())
        store.sync()

    def shutdown(self) -> None:
        """Before the window closes: save the layout, wait for a count still running."""
        if self._save_timer.isActive():
            self._save_timer.stop()
        self.save_layout()
        self._count_timer.stop()
        self.counter.cancel()
        self.counter.wait(5000)
