"""The customer archive's screens: the archive tab, its table model, the customer page and the dialogs."""
