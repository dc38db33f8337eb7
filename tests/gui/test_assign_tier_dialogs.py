"""The assignment, handover and tier dialogs drive their services and show refusals in the dialog."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QMessageBox, QPushButton, QTableWidget

from desktop_cs.models import Customer, Tier
from desktop_cs.services import customers, tiers, users
from desktop_cs.services.customers import CustomerInput
from desktop_cs.views.common.events import events
from desktop_cs.views.customers.assign_dialog import AssignDialog, HandoverDialog
from desktop_cs.views.customers.tier_dialog import ACTIVE, INTERVAL, NAME, TierDialog


@pytest.fixture
def team(supervisor, specialist):
    other = users.create_user(supervisor, "spec2", "赵专员", "specialist", "test-pass-123")
    ids = [customers.create_customer(supervisor, CustomerInput(name=f"客户{i}")) for i in range(3)]
    return specialist, other, ids


def test_assign_shows_loads_and_assigns_the_selection(qtbot, supervisor, team):
    first, other, ids = team
    customers.create_customer(first, CustomerInput(name="李专员的客户"))     # first holds one already
    dialog = AssignDialog(supervisor, ids[:2])
    qtbot.addWidget(dialog)
    combo = dialog.findChild(QComboBox, "specialistCombo")
    assert combo.count() == 2 and combo.currentData() == other.id          # the one holding fewest
    assert any("1" in combo.itemText(i) and "李专员" in combo.itemText(i) for i in range(combo.count()))
    with qtbot.waitSignal(events().customersChanged) as changed:
        qtbot.mouseClick(dialog.findChild(QPushButton, "assignButton"), Qt.MouseButton.LeftButton)
    assert changed.args == [ids[:2]]
    assert [Customer.get_by_id(c).assigned_to_id for c in ids] == [other.id, other.id, None]


def test_a_specialist_is_refused_in_the_dialog(qtbot, team):
    first, _other, ids = team
    dialog = AssignDialog(first, ids)
    qtbot.addWidget(dialog)
    assert not dialog.assign()
    assert not dialog.findChild(QLabel, "formError").isHidden()
    assert Customer.get_by_id(ids[0]).assigned_to_id is None


def test_handover_moves_the_whole_portfolio_after_confirmation(qtbot, supervisor, team, monkeypatch):
    first, other, _ids = team
    mine = [customers.create_customer(first, CustomerInput(name=f"李的客户{i}")) for i in range(2)]
    dialog = HandoverDialog(supervisor)
    qtbot.addWidget(dialog)
    dialog.from_combo.setCurrentIndex(dialog.from_combo.findData(first.id))
    dialog.to_combo.setCurrentIndex(dialog.to_combo.findData(first.id))
    assert not dialog.findChild(QPushButton, "handoverButton").isEnabled()      # same specialist twice
    dialog.to_combo.setCurrentIndex(dialog.to_combo.findData(other.id))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    assert not dialog.hand_over()
    assert {Customer.get_by_id(c).assigned_to_id for c in mine} == {first.id}
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert dialog.hand_over()
    assert {Customer.get_by_id(c).assigned_to_id for c in mine} == {other.id}
    assert dialog.result_.customers == 2


def test_tiers_are_edited_added_and_refusals_shown(qtbot, supervisor):
    dialog = TierDialog(supervisor)
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableWidget, "tierTable")
    assert table.rowCount() == len(tiers.list_tiers(include_inactive=True))
    table.item(0, INTERVAL).setData(Qt.ItemDataRole.EditRole, 15)
    row = dialog.add_row()
    table.item(row, NAME).setText(table.item(1, NAME).text())                  # a name in use
    assert not dialog.save()
    assert not dialog.findChild(QLabel, "formError").isHidden()
    assert Tier.get_by_id(table.item(0, NAME).data(Qt.ItemDataRole.UserRole)).callback_interval_days == 15
    table.item(row, NAME).setText("白金客户")
    table.item(row, ACTIVE).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(events().referenceDataChanged):
        assert dialog.save()
    assert Tier.get(Tier.name == "白金客户").active


def test_a_specialist_sees_the_tiers_read_only(qtbot, specialist):
    dialog = TierDialog(specialist)
    qtbot.addWidget(dialog)
    assert not dialog.findChild(QPushButton, "saveButton").isEnabled()
    assert not dialog.findChild(QPushButton, "addTierButton").isEnabled()
