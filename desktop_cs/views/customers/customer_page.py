"""The customer page (side panel): every field masked, memo, tags, assignment, and the whole timeline, newest first."""
from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (QFormLayout, QFrame, QHBoxLayout, QHeaderView, QLabel, QPushButton, QScrollArea,
                               QSizePolicy, QSplitter, QStackedWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from desktop_cs.i18n import _
from desktop_cs.services import customers, labels, timeline
from desktop_cs.services.customers import CustomerDetail
from desktop_cs.services.errors import ServiceError
from desktop_cs.services.permissions import UNMASK, allowed
from desktop_cs.views.common import ERROR_COLOR, show_error, text_width
from desktop_cs.views.common.events import events

if TYPE_CHECKING:
    from desktop_cs.models import User

#: timeline kind -> colour of its dot
KIND_COLORS = {"audit": "#607d8b", "assignment": "#7b1fa2", "callback": "#2e7d32", "complaint": "#c62828",
               "enquiry": "#1565c0", "points": "#ef6c00"}
#: the timeline's columns
TIME, EVENT, DETAIL, BY = range(4)
#: the item data role holding an entry's kind (tests and styling read it)
KIND_ROLE = Qt.ItemDataRole.UserRole
CUSTOMER_ROLE = Qt.ItemDataRole.UserRole + 1

_icons: dict[str, QIcon] = {}


def kind_icon(kind: str) -> QIcon:
    """A small coloured dot for a timeline kind."""
    if kind not in _icons:
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(KIND_COLORS.get(kind, "#9e9e9e")))
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        _icons[kind] = QIcon(pixmap)
    return _icons[kind]


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _value_label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def _red(label: QLabel) -> QLabel:
    label.setStyleSheet(f"color: {ERROR_COLOR};")
    return label


class CustomerPage(QWidget):
    """One customer's page: fields (masked, "Show" for supervisors), memo, assignment and timeline."""

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("customerPage")
        self.actor = actor
        self.customer_id: int | None = None
        self.detail: CustomerDetail | None = None
        self.revealed: dict[str, str] = {}
        can_unmask = allowed(actor, UNMASK)

        # -- header ----------------------------------------------------------------------------
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitleLabel")
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle_label = _value_label("pageSubtitleLabel")
        self.status_note = _red(_value_label("pageStatusNote"))
        self.status_note.setTextFormat(Qt.TextFormat.RichText)
        self.status_note.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.status_note.linkActivated.connect(self._link)

        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setObjectName("pageEditButton")
        self.edit_button.clicked.connect(self.edit)
        self.enquiry_button = QPushButton(_("Record enquiry…"))
        self.enquiry_button.setObjectName("pageEnquiryButton")
        self.enquiry_button.clicked.connect(self.record_enquiry)

        # -- fields ----------------------------------------------------------------------------
        self.mobile_value = _value_label("pageMobileValue")
        self.id_number_value = _value_label("pageIdNumberValue")
        self.show_mobile_button = self._show_button("showMobileButton", "mobile", can_unmask)
        self.show_id_button = self._show_button("showIdButton", "id_number", can_unmask)
        self.id_info_value = _value_label("pageIdInfoValue")
        self.email_value = _value_label("pageEmailValue")
        self.im_value = _value_label("pageImValue")
        self.type_value = _value_label("pageTypeValue")
        self.tier_value = _value_label("pageTierValue")
        self.source_value = _value_label("pageSourceValue")
        self.source_value.setTextFormat(Qt.TextFormat.RichText)
        self.source_value.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.source_value.linkActivated.connect(self._link)
        self.verification_value = _value_label("pageVerificationValue")
        self.tags_value = _value_label("pageTagsValue")
        self.preferred_time_value = _value_label("pagePreferredTimeValue")
        self.assignment_value = _value_label("pageAssignmentValue")
        self.first_contact_note = _value_label("firstContactNote")
        self.last_contact_value = _value_label("pageLastContactValue")
        self.created_value = _value_label("pageCreatedValue")
        self.memo_value = _value_label("pageMemoValue")
        self.memo_value.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.addRow(_("Mobile:"), self._with_button(self.mobile_value, self.show_mobile_button))
        form.addRow(_("ID number:"), self._with_button(self.id_number_value, self.show_id_button))
        form.addRow("", self.id_info_value)
        form.addRow(_("Email:"), self.email_value)
        form.addRow(_("QQ / WeChat:"), self.im_value)
        form.addRow(_("Type:"), self.type_value)
        form.addRow(_("Tier:"), self.tier_value)
        form.addRow(_("Source:"), self.source_value)
        form.addRow(_("Verification:"), self.verification_value)
        form.addRow(_("Tags:"), self.tags_value)
        form.addRow(_("Best time to call:"), self.preferred_time_value)
        form.addRow(_("Specialist:"), self.assignment_value)
        form.addRow("", self.first_contact_note)
        form.addRow(_("Last contact:"), self.last_contact_value)
        form.addRow(_("Recorded:"), self.created_value)
        form.addRow(_("Memo:"), self.memo_value)

        fields = QWidget()
        fields.setLayout(form)
        scroll = QScrollArea()
        scroll.setObjectName("pageFieldsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(fields)

        # -- timeline --------------------------------------------------------------------------
        self.timeline_list = QTreeWidget()
        self.timeline_list.setObjectName("timelineList")
        self.timeline_list.setHeaderLabels([_("Time"), _("Event"), _("Detail"), _("By")])
        self.timeline_list.setRootIsDecorated(False)
        self.timeline_list.setUniformRowHeights(True)
        self.timeline_list.setAlternatingRowColors(True)
        self.timeline_list.setWordWrap(False)
        self.timeline_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.timeline_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TIME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(EVENT, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(DETAIL, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(BY, QHeaderView.ResizeMode.ResizeToContents)
        self.timeline_list.setColumnWidth(EVENT, text_width(self, 22))
        self.timeline_title = QLabel(_("History"))
        self.timeline_title.setObjectName("timelineTitle")
        bold = self.timeline_title.font()
        bold.setBold(True)
        self.timeline_title.setFont(bold)
        history = QWidget()
        history_box = QVBoxLayout(history)
        history_box.setContentsMargins(0, 0, 0, 0)
        history_box.addWidget(self.timeline_title)
        history_box.addWidget(self.timeline_list, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("pageSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(scroll)
        splitter.addWidget(history)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)

        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.enquiry_button)
        buttons.addStretch(1)

        page = QWidget()
        page_box = QVBoxLayout(page)
        page_box.setContentsMargins(0, 0, 0, 0)
        page_box.addWidget(self.title_label)
        page_box.addWidget(self.subtitle_label)
        page_box.addWidget(self.status_note)
        page_box.addLayout(buttons)
        page_box.addWidget(splitter, 1)

        self.empty_label = QLabel(_("Choose a customer in the list to see their page."))
        self.empty_label.setObjectName("pageEmptyLabel")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.setMinimumWidth(text_width(self, 48))

        events().customersChanged.connect(self._customers_changed)
        events().referenceDataChanged.connect(self.refresh)

    # -- building blocks -----------------------------------------------------------------------
    def _show_button(self, object_name: str, field: str, visible: bool) -> QPushButton:
        button = QPushButton(_("Show"))
        button.setObjectName(object_name)
        button.setToolTip(_("Show the full number (the request is logged)"))
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False, f=field: self.reveal(f))
        button.setVisible(visible)
        return button

    @staticmethod
    def _with_button(value: QLabel, button: QPushButton) -> QWidget:
        cell = QWidget()
        box = QHBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(value, 1)
        box.addWidget(button)
        return cell

    # -- showing a customer --------------------------------------------------------------------
    def set_customer(self, customer_id: int | None) -> None:
        """Show CUSTOMER_ID's page (None: the empty page); full numbers shown before are masked again."""
        self.customer_id = customer_id
        self.revealed = {}
        self.refresh()

    def refresh(self) -> None:
        """Read the customer again (masked) and rebuild the page and its timeline."""
        if self.customer_id is None:
            self.detail = None
            self.stack.setCurrentIndex(0)
            return
        try:
            self.detail = customers.get_customer(self.actor, self.customer_id)
            entries = timeline.timeline(self.actor, self.customer_id)
        except ServiceError as error:
            self.detail = None
            self.empty_label.setText(error.message)
            self.stack.setCurrentIndex(0)
            return
        self._fill(self.detail)
        self._fill_timeline(entries)
        self.stack.setCurrentIndex(1)

    def _fill(self, d: CustomerDetail) -> None:
        none = "—"
        self.title_label.setText(d.name)
        self.subtitle_label.setText(" · ".join(x for x in (
            _("No. {id}").format(id=d.id), labels.label(labels.CUSTOMER_TYPES, d.customer_type), d.tier) if x))
        if d.merged_into_id:
            self.status_note.setText(html.escape(_("Merged into another customer: ")) +
                                     '<a href="customer:{id}">{text}</a>'.format(
                                         id=d.merged_into_id, text=html.escape(_("open No. {id}").format(
                                             id=d.merged_into_id))))
        elif d.erased:
            self.status_note.setText(html.escape(_("The personal data of this customer was erased.")))
        elif d.deleted:
            self.status_note.setText(html.escape(_("This customer was deleted.")))
        else:
            self.status_note.setText("")
        self.status_note.setVisible(bool(self.status_note.text()))
        self.mobile_value.setText(self.revealed.get("mobile") or d.mobile or none)
        self.id_number_value.setText(self.revealed.get("id_number") or d.id_number or none)
        for field, button in (("mobile", self.show_mobile_button), ("id_number", self.show_id_button)):
            button.setEnabled(bool(getattr(d, field)) and field not in self.revealed)
        id_info = " · ".join(x for x in (
            _("Born {date}").format(date=d.birth_date.isoformat()) if d.birth_date else "", d.sex, d.region) if x)
        self.id_info_value.setText(id_info)
        self.id_info_value.setVisible(bool(id_info))
        self.email_value.setText(d.email or none)
        self.im_value.setText(d.im_id or none)
        self.type_value.setText(labels.label(labels.CUSTOMER_TYPES, d.customer_type))
        self.tier_value.setText(d.tier or none)
        source = html.escape(labels.label(labels.SOURCES, d.source))
        if d.source == "referral" and d.referred_by_id:
            source += " · " + html.escape(_("referred by")) + ' <a href="customer:{id}">{name}</a>'.format(
                id=d.referred_by_id, name=html.escape(d.referred_by or _("No. {id}").format(id=d.referred_by_id)))
        self.source_value.setText(source)
        done = [labels.label(labels.VERIFICATIONS, key) for key, flag in (
            ("registered", d.registered), ("realname", d.realname_verified), ("mobile", d.mobile_verified),
            ("email", d.email_verified)) if flag]
        self.verification_value.setText(" · ".join(done) or _("Not registered"))
        self.tags_value.setText(", ".join(d.tags) or none)
        preferred = d.preferred_time or none
        if d.do_not_call:
            preferred += " · " + _("Do not call")
        self.preferred_time_value.setText(preferred)
        self.preferred_time_value.setStyleSheet(f"color: {ERROR_COLOR};" if d.do_not_call else "")
        if d.assigned_to_id:
            self.assignment_value.setText(_("{name}, since {date}").format(
                name=d.specialist, date=d.assigned_at.strftime("%Y-%m-%d") if d.assigned_at else "?"))
        else:
            self.assignment_value.setText(_("Not assigned"))
        self._fill_first_contact(d)
        self.last_contact_value.setText(_when(d.last_contact_at) or _("never"))
        self.created_value.setText(_when(d.created_at))
        self.memo_value.setText(d.memo or none)
        writable = d.can_edit and not (d.erased or d.merged_into_id)
        self.edit_button.setEnabled(bool(writable))
        self.enquiry_button.setEnabled(not (d.erased or d.merged_into_id or d.deleted))

    def _fill_first_contact(self, d: CustomerDetail) -> None:
        """The one-week first contact: due date while it runs, a red note once it is overdue."""
        note = self.first_contact_note
        if not d.assigned_to_id or not d.assigned_at:
            note.hide()
            return
        if d.first_contact_at:
            note.setText(_("First contact made {date}").format(date=_when(d.first_contact_at)))
            note.setStyleSheet("")
        else:
            due = d.first_contact_due
            if d.overdue_first_contact:
                note.setText(_("First contact overdue: it was due by {date} (one week after the assignment).")
                             .format(date=due.strftime("%Y-%m-%d")))
                note.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;")
            else:
                note.setText(_("First contact due by {date}").format(date=due.strftime("%Y-%m-%d")))
                note.setStyleSheet("")
        note.show()

    def _fill_timeline(self, entries: list[timeline.TimelineEntry]) -> None:
        self.timeline_list.clear()
        items = []
        for entry in entries:
            title = entry.title
            merged = entry.customer_id != self.customer_id
            if merged:
                # in front, so a narrow column never cuts it off; the tooltip says it in full
                title = _("[merged No. {id}]").format(id=entry.customer_id) + " " + title
            item = QTreeWidgetItem([_when(entry.at), title, entry.detail.replace("\n", " "), entry.by])
            item.setIcon(EVENT, kind_icon(entry.kind))
            item.setData(EVENT, KIND_ROLE, entry.kind)
            item.setData(EVENT, CUSTOMER_ROLE, entry.customer_id)
            item.setToolTip(EVENT, _("From customer No. {id}, merged into this one").format(id=entry.customer_id)
                            + "\n" + entry.title if merged else title)
            item.setToolTip(DETAIL, entry.detail)
            color = QColor(KIND_COLORS.get(entry.kind, "#000000"))
            if entry.kind in ("complaint",):
                item.setForeground(EVENT, QBrush(color))
            if merged:
                font = QFont(item.font(EVENT))
                font.setItalic(True)
                for column in range(4):
                    item.setFont(column, font)
            items.append(item)
        self.timeline_list.addTopLevelItems(items)
        self.timeline_title.setText(_("History ({n} entries)").format(n=len(entries)))

    # -- actions -------------------------------------------------------------------------------
    def reveal(self, field: str) -> None:
        """Show the full mobile or ID number (supervisors; the service logs the request)."""
        if self.customer_id is None:
            return
        try:
            value = customers.reveal(self.actor, self.customer_id, field)
        except ServiceError as error:
            show_error(self, error.message)
            return
        self.revealed[field] = value
        label = self.mobile_value if field == "mobile" else self.id_number_value
        label.setText(value or "—")
        (self.show_mobile_button if field == "mobile" else self.show_id_button).setEnabled(False)
        try:
            self._fill_timeline(timeline.timeline(self.actor, self.customer_id))   # the unmask is on it now
        except ServiceError:
            pass

    def edit(self) -> bool:
        """Open the edit dialog; the page refreshes from the change broadcast."""
        if self.customer_id is None:
            return False
        from desktop_cs.views.customers.customer_dialog import CustomerDialog
        return CustomerDialog.edit(self, self.actor, self.customer_id)

    def record_enquiry(self) -> int | None:
        """Record an enquiry of this customer; the page refreshes from the change broadcast."""
        if self.customer_id is None:
            return None
        from desktop_cs.views.customers.enquiry_dialog import EnquiryDialog
        return EnquiryDialog.ask(self, self.actor, customer_id=self.customer_id)

    def _customers_changed(self, ids: list) -> None:
        if self.customer_id is not None and (not ids or self.customer_id in ids):
            self.revealed = {}
            self.refresh()

    def _link(self, href: str) -> None:
        if href.startswith("customer:"):
            try:
                events().openCustomer.emit(int(href.split(":", 1)[1]))
            except ValueError:
                pass
