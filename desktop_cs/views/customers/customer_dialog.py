"""Create or edit one customer: the service checks every field and each refusal shows in Chinese beside its field."""
from __future__ import annotations

import datetime as dt
import html
import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QCheckBox, QComboBox, QCompleter, QDialog, QFormLayout, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QVBoxLayout,
                               QWidget)

from desktop_cs.i18n import _
from desktop_cs.services import customers, identity, labels, tiers
from desktop_cs.services.customers import (ChangedByOther, CustomerDetail, CustomerInput, CustomerQuery,
                                          DuplicateCustomer)
from desktop_cs.services.errors import FormErrors, ServiceError, ValidationError
from desktop_cs.views.common import FieldError, dialog_buttons, error_cell, text_width, wait_cursor
from desktop_cs.views.common.events import events

if TYPE_CHECKING:
    from desktop_cs.models import User

#: service field -> objectName of its error label
ERROR_LABELS = {
    "name": "nameError", "mobile": "mobileError", "id_number": "idNumberError", "email": "emailError",
    "im_id": "imIdError", "memo": "memoError", "preferred_time": "preferredTimeError",
    "customer_type": "customerTypeError", "source": "sourceError", "tier_id": "tierIdError",
    "referred_by_id": "referredByIdError", "tags": "tagsError",
}
#: tags may be separated by ASCII or Chinese commas or the enumeration comma
TAG_SEPARATORS = re.compile(r"[,，、;；]")
#: how long the referrer picker waits after a keystroke before it searches
PICKER_DELAY_MS = 150
PICKER_MATCHES = 12


def split_tags(text: str) -> list[str]:
    """The tags typed in TEXT, separators of either script accepted, blanks dropped."""
    return [part.strip() for part in TAG_SEPARATORS.split(text or "") if part.strip()]


def id_info_text(birth_date: dt.date | None, sex: str, region: str) -> str:
    """"Born 1990-03-07 · Male · 北京市东城区" from what an ID number says (SEX already a label)."""
    parts = [_("Born {date}").format(date=birth_date.isoformat())] if birth_date else []
    parts += [p for p in (sex, region) if p]
    return " · ".join(parts)


def link_label(object_name: str) -> QLabel:
    """A hidden label that shows one link (e.g. to the customer that holds a duplicate number)."""
    label = QLabel()
    label.setObjectName(object_name)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                  | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
    label.hide()
    return label


class TagCompleter(QCompleter):
    """Completes the tag being typed after the last comma of a comma-separated list."""

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt override
        return [TAG_SEPARATORS.split(path)[-1].strip()]

    def pathFromIndex(self, index: QModelIndex) -> str:  # noqa: N802 - Qt override
        widget = self.widget()
        text = widget.text() if isinstance(widget, QLineEdit) else ""
        match = list(TAG_SEPARATORS.finditer(text))
        head = text[:match[-1].end()] if match else ""
        if head and not head.endswith(" "):
            head += " "
        return head + str(index.data())


class CustomerPicker(QLineEdit):
    """Type part of a name, mobile or ID and pick a customer from the matches; ``customer_id`` is the choice."""

    customerChosen = Signal(object)   # int | None

    def __init__(self, actor: User, object_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.actor = actor
        self.exclude_id: int | None = None
        self._customer_id: int | None = None
        self.setPlaceholderText(_("type a name or mobile, then pick from the list"))
        self.setClearButtonEnabled(True)
        self._model = QStandardItemModel(self)
        self._completer = QCompleter(self._model, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setMaxVisibleItems(PICKER_MATCHES)
        self.setCompleter(self._completer)
        self._completer.activated[QModelIndex].connect(self._activated)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PICKER_DELAY_MS)
        self._timer.timeout.connect(self.search_now)
        self.textEdited.connect(self._edited)

    def customer_id(self) -> int | None:
        """The chosen customer's id (None while nothing is chosen)."""
        return self._customer_id

    def set_customer(self, customer_id: int | None, text: str = "") -> None:
        """Show CUSTOMER_ID as chosen, with TEXT (its name) in the field."""
        self._customer_id = customer_id
        self.setText(text if customer_id else "")
        self.customerChosen.emit(customer_id)

    def matches(self) -> list[tuple[int, str]]:
        """(id, text) of the customers the list offers now."""
        return [(self._model.item(row).data(Qt.ItemDataRole.UserRole), self._model.item(row).text())
                for row in range(self._model.rowCount())]

    def search_now(self) -> None:
        """Fill the list with the customers matching the text typed (any customer, not only one's own)."""
        self._timer.stop()
        text = self.text().strip()
        self._model.clear()
        if not text:
            return
        try:
            rows = customers.search_page(self.actor, CustomerQuery(text=text, all_customers=True), 0,
                                         PICKER_MATCHES + 1)
        except ServiceError:
            return
        for row in rows:
            if row.id == self.exclude_id:
                continue
            shown = f"{row.name}  {row.mobile}  " + _("No. {id}").format(id=row.id)
            item = QStandardItem(shown)
            item.setData(row.id, Qt.ItemDataRole.UserRole)
            item.setData(row.name, Qt.ItemDataRole.UserRole + 1)
            item.setEditable(False)
            self._model.appendRow(item)
        if self._model.rowCount() and self.hasFocus():
            self._completer.complete()

    def _edited(self, _text: str) -> None:
        if self._customer_id is not None:
            self._customer_id = None
            self.customerChosen.emit(None)
        self._timer.start()

    def _activated(self, index: QModelIndex) -> None:
        customer_id = index.data(Qt.ItemDataRole.UserRole)
        name = index.data(Qt.ItemDataRole.UserRole + 1)
        # after the completer has written the row's text into the field
        QTimer.singleShot(0, lambda: self.set_customer(customer_id, name))


class MaskedField(QWidget):
    """A mobile or ID number: masked and read-only while kept, an empty editor after "Change"."""

    def __init__(self, editor: QLineEdit, button_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        self.change_button = QPushButton(_("Change"))
        self.change_button.setObjectName(button_name)
        self.change_button.setAutoDefault(False)
        self.change_button.setToolTip(_("Type a new number; leave it as it is to keep the stored one."))
        self.change_button.clicked.connect(self._toggle)
        self.change_button.hide()
        self._masked = ""
        self.kept = False
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(editor, 1)
        box.addWidget(self.change_button)

    def keep(self, masked: str) -> None:
        """Show the stored value MASKED, read-only; nothing stored means an empty editor at once."""
        self._masked = masked
        if not masked:
            self._edit()
            self.change_button.hide()
            return
        self.kept = True
        self.editor.setText(masked)
        self.editor.setReadOnly(True)
        self.change_button.setText(_("Change"))
        self.change_button.show()

    def value(self) -> str | None:
        """What to send to the service: None = keep the stored value, else the text typed ("" clears)."""
        return None if self.kept else self.editor.text()

    def _edit(self) -> None:
        self.kept = False
        self.editor.setReadOnly(False)
        self.editor.clear()

    def _toggle(self) -> None:
        if self.kept:
            self._edit()
            self.change_button.setText(_("Keep"))
            self.change_button.setToolTip(_("Keep the stored number."))
            self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.keep(self._masked)
            self.change_button.setToolTip(_("Type a new number; leave it as it is to keep the stored one."))


class CustomerDialog(QDialog):
    """The create / edit form of a customer; the service checks it and each error shows beside its field."""

    #: answers to "someone else saved this customer"
    RELOAD, OVERWRITE, CANCEL = "reload", "overwrite", "cancel"

    def __init__(self, actor: User, customer_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("customerDialog")
        self.actor = actor
        self.customer_id = customer_id
        self.saved_id: int | None = None
        self.version: int | None = None
        self.duplicate_id: int | None = None
        self.setWindowTitle(_("New customer") if customer_id is None else _("Edit customer"))

        # -- editors ---------------------------------------------------------------------------
        self.name_edit = self._line("nameEdit", "name")
        self.name_edit.setPlaceholderText(_("full name, e.g. Zhang San"))
        self.mobile_edit = self._line("mobileEdit", None)
        self.mobile_edit.setMaxLength(32)
        self.mobile_edit.setPlaceholderText(_("11 digits, e.g. 138 1234 5678"))
        self.id_number_edit = self._line("idNumberEdit", None)
        self.id_number_edit.setMaxLength(40)
        self.id_number_edit.setPlaceholderText(_("18 characters, the last may be X"))
        self.mobile_field = MaskedField(self.mobile_edit, "changeMobileButton")
        self.id_number_field = MaskedField(self.id_number_edit, "changeIdButton")
        self.email_edit = self._line("emailEdit", "email")
        self.email_edit.setPlaceholderText(_("e.g. name@example.com"))
        self.im_edit = self._line("imEdit", "im_id")
        self.type_combo = self._combo("typeCombo", labels.choices(labels.CUSTOMER_TYPES))
        self.tier_combo = QComboBox()
        self.tier_combo.setObjectName("tierCombo")
        self.source_combo = self._combo("sourceCombo", labels.choices(labels.SOURCES))
        self.referrer_edit = CustomerPicker(actor, "referrerEdit")
        self.referrer_edit.exclude_id = customer_id
        self.tags_edit = self._line("tagsEdit", None)
        self.tags_edit.setMaxLength(1000)
        self.tags_edit.setPlaceholderText(_("comma-separated, e.g. VIP, long-standing"))
        self.preferred_time_edit = self._line("preferredTimeEdit", "preferred_time")
        self.preferred_time_edit.setPlaceholderText(_("e.g. 14:00-17:00, weekdays"))
        self.do_not_call_check = self._check("doNotCallCheck", _("Do not call"))
        self.registered_check = self._check("registeredCheck", _("Registered"))
        self.realname_check = self._check("realnameCheck", _("Real-name verified"))
        self.email_verified_check = self._check("emailVerifiedCheck", _("Email verified"))
        self.mobile_verified_check = self._check("mobileVerifiedCheck", _("Mobile verified"))
        self.memo_edit = QPlainTextEdit()
        self.memo_edit.setObjectName("memoEdit")
        self.memo_edit.setTabChangesFocus(True)
        self.memo_edit.setPlaceholderText(_("what colleagues should know about this customer"))
        self.memo_edit.setFixedHeight(self.memo_edit.fontMetrics().lineSpacing() * 4 + 12)

        self.id_info_label = QLabel()
        self.id_info_label.setObjectName("idInfoLabel")
        self.id_info_label.setEnabled(False)   # the greyed look of a hint
        self.id_info_label.hide()
        self.mobile_link = link_label("mobileDuplicateLink")
        self.id_number_link = link_label("idNumberDuplicateLink")
        for link in (self.mobile_link, self.id_number_link):
            link.linkActivated.connect(self._open_existing)

        self.error_labels = {field: FieldError(name) for field, name in ERROR_LABELS.items()}
        self.general_error = FieldError("formError")
        self.general_error.setWordWrap(True)
        self.editors: dict[str, QWidget] = {
            "name": self.name_edit, "mobile": self.mobile_edit, "id_number": self.id_number_edit,
            "email": self.email_edit, "im_id": self.im_edit, "memo": self.memo_edit,
            "preferred_time": self.preferred_time_edit, "customer_type": self.type_combo,
            "source": self.source_combo, "tier_id": self.tier_combo, "referred_by_id": self.referrer_edit,
            "tags": self.tags_edit}
        err = self.error_labels

        # -- layout ----------------------------------------------------------------------------
        left = QFormLayout()
        left.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        left.addRow(_("Name:"), error_cell(self.name_edit, err["name"]))
        left.addRow(_("Mobile:"), error_cell(self.mobile_field, err["mobile"], self.mobile_link))
        left.addRow(_("ID number:"), error_cell(self.id_number_field, self.id_info_label, err["id_number"],
                                                self.id_number_link))
        left.addRow(_("Email:"), error_cell(self.email_edit, err["email"]))
        left.addRow(_("QQ / WeChat:"), error_cell(self.im_edit, err["im_id"]))
        time_row = QWidget()
        time_box = QHBoxLayout(time_row)
        time_box.setContentsMargins(0, 0, 0, 0)
        time_box.addWidget(self.preferred_time_edit, 1)
        time_box.addWidget(self.do_not_call_check)
        left.addRow(_("Best time to call:"), error_cell(time_row, err["preferred_time"]))

        right = QFormLayout()
        right.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        right.addRow(_("Type:"), error_cell(self.type_combo, err["customer_type"]))
        right.addRow(_("Tier:"), error_cell(self.tier_combo, err["tier_id"]))
        right.addRow(_("Source:"), error_cell(self.source_combo, err["source"]))
        right.addRow(_("Referred by:"), error_cell(self.referrer_edit, err["referred_by_id"]))
        right.addRow(_("Tags:"), error_cell(self.tags_edit, err["tags"]))
        checks = QGroupBox(_("Verification"))
        grid = QGridLayout(checks)
        grid.addWidget(self.registered_check, 0, 0)
        grid.addWidget(self.realname_check, 0, 1)
        grid.addWidget(self.mobile_verified_check, 1, 0)
        grid.addWidget(self.email_verified_check, 1, 1)
        right.addRow(checks)

        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(text_width(self, 3))
        columns.addLayout(right, 1)

        memo_label = QLabel(_("Customer memo:"))
        memo_label.setBuddy(self.memo_edit)

        buttons, self.save_button = dialog_buttons(self, _("Save"), "saveButton", self.save)

        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(memo_label)
        layout.addWidget(self.memo_edit)
        layout.addWidget(err["memo"])
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.setMinimumWidth(text_width(self, 110))

        # -- behaviour -------------------------------------------------------------------------
        self.known_tags = tiers.all_tags()
        completer = TagCompleter(self.known_tags, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.tags_edit.setCompleter(completer)
        self.id_number_edit.textEdited.connect(self._id_typed)
        self.id_number_edit.editingFinished.connect(self._check_id_number)
        self.mobile_edit.editingFinished.connect(self._check_mobile)
        self.email_edit.editingFinished.connect(self._check_email)
        self.source_combo.currentIndexChanged.connect(self._source_changed)

        self._fill_tiers(None, "")
        if customer_id is None:
            self.mobile_field.keep("")
            self.id_number_field.keep("")
        else:
            self.load(customers.get_customer(actor, customer_id))
        self._source_changed()
        self.name_edit.setFocus()

    # -- small builders ------------------------------------------------------------------------
    def _line(self, object_name: str, limit_field: str | None) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(object_name)
        if limit_field:
            # generous: the service counts characters (an emoji is one) and explains a too-long text
            edit.setMaxLength(identity.MAX_LENGTHS[limit_field] * 2)
        return edit

    @staticmethod
    def _combo(object_name: str, choices: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(object_name)
        for code, text in choices:
            combo.addItem(text, code)
        return combo

    @staticmethod
    def _check(object_name: str, text: str) -> QCheckBox:
        check = QCheckBox(text)
        check.setObjectName(object_name)
        return check

    def _fill_tiers(self, current_id: int | None, current_name: str) -> None:
        self.tier_combo.clear()
        self.tier_combo.addItem(_("(no tier)"), None)
        for tier in tiers.list_tiers():
            self.tier_combo.addItem(tier.name, tier.id)
        if current_id is not None and self.tier_combo.findData(current_id) < 0:
            self.tier_combo.addItem(current_name, current_id)   # an inactive tier the customer still has
        self.tier_combo.setCurrentIndex(max(self.tier_combo.findData(current_id), 0))

    # -- loading -------------------------------------------------------------------------------
    def load(self, detail: CustomerDetail) -> None:
        """Fill the form from DETAIL (masked mobile and ID kept unless changed)."""
        self.version = detail.version
        self.name_edit.setText(detail.name)
        self.mobile_field.keep(detail.mobile)
        self.id_number_field.keep(detail.id_number)
        self._show_id_info(id_info_text(detail.birth_date, detail.sex, detail.region) if detail.id_number else "")
        self.email_edit.setText(detail.email)
        self.im_edit.setText(detail.im_id)
        self.type_combo.setCurrentIndex(max(self.type_combo.findData(detail.customer_type), 0))
        self._fill_tiers(detail.tier_id, detail.tier)
        self.source_combo.setCurrentIndex(max(self.source_combo.findData(detail.source), 0))
        self.referrer_edit.set_customer(detail.referred_by_id, detail.referred_by)
        self.tags_edit.setText(", ".join(detail.tags))
        self.preferred_time_edit.setText(detail.preferred_time)
        self.do_not_call_check.setChecked(detail.do_not_call)
        self.registered_check.setChecked(detail.registered)
        self.realname_check.setChecked(detail.realname_verified)
        self.email_verified_check.setChecked(detail.email_verified)
        self.mobile_verified_check.setChecked(detail.mobile_verified)
        self.memo_edit.setPlainText(detail.memo)
        if not detail.can_edit or detail.erased or detail.merged_into_id:
            self.save_button.setEnabled(False)
            self.general_error.show_message(
                _("This customer was erased or merged and cannot be edited.") if detail.erased or detail.merged_into_id
                else _("Only the assigned specialist or a supervisor can edit this customer."))

    def customer_input(self) -> CustomerInput:
        """The form as the service takes it (mobile / ID None while kept)."""
        return CustomerInput(
            name=self.name_edit.text(), mobile=self.mobile_field.value(), id_number=self.id_number_field.value(),
            email=self.email_edit.text(), im_id=self.im_edit.text(),
            customer_type=self.type_combo.currentData(), tier_id=self.tier_combo.currentData(),
            source=self.source_combo.currentData(), referred_by_id=self.referrer_edit.customer_id(),
            registered=self.registered_check.isChecked(), realname_verified=self.realname_check.isChecked(),
            email_verified=self.email_verified_check.isChecked(),
            mobile_verified=self.mobile_verified_check.isChecked(), memo=self.memo_edit.toPlainText(),
            preferred_time=self.preferred_time_edit.text(), do_not_call=self.do_not_call_check.isChecked(),
            tags=split_tags(self.tags_edit.text()))

    # -- live checks (the same service functions the save uses) ---------------------------------
    def _show_id_info(self, text: str) -> None:
        self.id_info_label.setText(text)
        self.id_info_label.setVisible(bool(text))

    def _id_typed(self, text: str) -> None:
        try:
            info = identity.check_id_number(text)
        except ValidationError:
            self._show_id_info("")
            return
        self.error_labels["id_number"].clear_message()
        self._show_id_info(id_info_text(info.birth_date, labels.label(labels.SEXES, info.sex), info.region))

    def _check_id_number(self) -> None:
        if self.id_number_field.kept or not self.id_number_edit.text().strip():
            self.error_labels["id_number"].clear_message()
            return
        try:
            identity.check_id_number(self.id_number_edit.text())
        except ValidationError as error:
            self.error_labels["id_number"].show_message(error.message)
        else:
            self.error_labels["id_number"].clear_message()

    def _check_mobile(self) -> None:
        if self.mobile_field.kept or not self.mobile_edit.text().strip():
            self.error_labels["mobile"].clear_message()
            return
        try:
            mobile = identity.normalize_mobile(self.mobile_edit.text())
        except ValidationError as error:
            self.error_labels["mobile"].show_message(error.message)
        else:
            self.error_labels["mobile"].clear_message()
            if mobile != self.mobile_edit.text():
                self.mobile_edit.setText(mobile)

    def _check_email(self) -> None:
        if not self.email_edit.text().strip():
            self.error_labels["email"].clear_message()
            return
        try:
            identity.normalize_email(self.email_edit.text())
        except ValidationError as error:
            self.error_labels["email"].show_message(error.message)
        else:
            self.error_labels["email"].clear_message()

    def _source_changed(self, *_args) -> None:
        referral = self.source_combo.currentData() == "referral"
        self.referrer_edit.setEnabled(referral)
        if not referral:
            self.error_labels["referred_by_id"].clear_message()

    # -- errors --------------------------------------------------------------------------------
    def clear_errors(self) -> None:
        """Hide every error message and duplicate link."""
        self.general_error.clear_message()
        for label in self.error_labels.values():
            label.clear_message()
        for link in (self.mobile_link, self.id_number_link):
            link.hide()
        self.duplicate_id = None

    def shown_errors(self) -> dict[str, str]:
        """Field -> message of every error showing (the general one as "form")."""
        found = {field: label.text() for field, label in self.error_labels.items() if not label.isHidden()}
        if not self.general_error.isHidden():
            found["form"] = self.general_error.text()
        return found

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show each message beside its field (unknown fields in the general line); focus the first."""
        first: QWidget | None = None
        general = []
        for field, message in errors.items():
            if field in self.error_labels:
                self.error_labels[field].show_message(message)
                if first is None:
                    first = self.editors[field]
            else:
                general.append(message)
        if general:
            self.general_error.show_message("\n".join(general))
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_duplicate(self, error: DuplicateCustomer) -> None:
        self.show_errors({error.field or "form": error.message})
        self.duplicate_id = error.existing_id
        link = self.id_number_link if error.field == "id_number" else self.mobile_link
        link.setText('<a href="customer:{id}">{text}</a>'.format(
            id=error.existing_id, text=html.escape(_("Open customer {name}").format(name=error.existing_name))))
        link.show()

    def _open_existing(self, href: str) -> None:
        """Open the customer that already holds the number (this form is closed, nothing was stored)."""
        try:
            customer_id = int(href.split(":", 1)[1])
        except (IndexError, ValueError):
            return
        self.reject()
        events().openCustomer.emit(customer_id)

    # -- saving --------------------------------------------------------------------------------
    def ask_conflict(self, error: ChangedByOther) -> str:
        """Ask what to do when someone else saved first: RELOAD, OVERWRITE or CANCEL."""
        box = QMessageBox(QMessageBox.Icon.Warning, _("Changed by someone else"), error.message,
                          QMessageBox.StandardButton.NoButton, self)
        reload_button = box.addButton(_("Reload"), QMessageBox.ButtonRole.AcceptRole)
        overwrite_button = box.addButton(_("Overwrite"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(reload_button)
        box.exec()
        if box.clickedButton() is reload_button:
            return self.RELOAD
        if box.clickedButton() is overwrite_button:
            return self.OVERWRITE
        return self.CANCEL

    def save(self) -> bool:
        """Send the form to the service; on success announce the change and close, else show why."""
        self.clear_errors()
        data = self.customer_input()
        try:
            with wait_cursor():
                if self.customer_id is None:
                    self.saved_id = customers.create_customer(self.actor, data)
                else:
                    self.version = customers.update_customer(self.actor, self.customer_id, data,
                                                             expected_version=self.version)
                    self.saved_id = self.customer_id
        except DuplicateCustomer as error:
            self._show_duplicate(error)
            return False
        except FormErrors as error:
            self.show_errors(error.errors)
            return False
        except ChangedByOther as error:
            return self._resolve_conflict(error)
        except ValidationError as error:
            self.show_errors({error.field or "form": error.message})
            return False
        except ServiceError as error:
            self.show_errors({"form": error.message})
            return False
        events().customersChanged.emit([self.saved_id])
        if set(data.tags) - set(self.known_tags):
            events().referenceDataChanged.emit()
        self.accept()
        return True

    def _resolve_conflict(self, error: ChangedByOther) -> bool:
        choice = self.ask_conflict(error)
        if choice == self.RELOAD:
            self.load(customers.get_customer(self.actor, self.customer_id))
            self.general_error.show_message(_("The form now shows the saved customer; your changes were not kept."))
            return False
        if choice == self.OVERWRITE:
            # save this form over the other user's changes: against the version stored now
            self.version = customers.get_customer(self.actor, self.customer_id).version
            return self.save()
        self.general_error.show_message(error.message)
        return False

    # -- entry points --------------------------------------------------------------------------
    @classmethod
    def create(cls, parent: QWidget | None, actor: User) -> int | None:
        """Ask for a new customer; its id once stored, or None when cancelled."""
        dialog = cls(actor, None, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.saved_id
        return None

    @classmethod
    def edit(cls, parent: QWidget | None, actor: User, customer_id: int) -> bool:
        """Edit customer CUSTOMER_ID; True once the change is stored."""
        try:
            dialog = cls(actor, customer_id, parent)
        except ServiceError as error:
            QMessageBox.warning(parent, _("Edit customer"), error.message)
            return False
        return dialog.exec() == QDialog.DialogCode.Accepted
