"""The change broadcast: services' writes announced once, so every open view refreshes just what changed."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class AppEvents(QObject):
    """Signals views emit after a successful write and listen to for refreshing."""

    #: customer ids created, edited, deleted, assigned or merged (empty list = many / unknown)
    customersChanged = Signal(list)
    #: reference lists changed (tiers, tags, topics)
    referenceDataChanged = Signal()
    #: open one customer's page (from a link anywhere)
    openCustomer = Signal(int)
    #: open a new complaint for a customer with its text filled in (from an unsatisfied callback result)
    openComplaintDraft = Signal(int, str)
    #: callbacks were created, recorded or moved (My day and the tab title refresh)
    callbacksChanged = Signal()
    #: the team server could not be reached (the sentence shown): the main window raises its banner
    serverUnreachable = Signal(str)
    #: the team server answers again after a lost connection (views reload what they show)
    serverRestored = Signal()


_events: AppEvents | None = None


def events() -> AppEvents:
    """The one AppEvents of the application (created on first use, after QApplication)."""
    global _events
    if _events is None:
        _events = AppEvents()
    return _events
