"""Use cases (no Qt): rules, permissions, transactions and audit. The GUI, the command line and tests all call these."""
