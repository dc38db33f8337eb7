"""Printing in the window: the print menu, the period / specialist question and the PDF print preview."""
