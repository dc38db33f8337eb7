"""The points tab (积分): balance, ledger and points commands of a customer; rules, summary and checks."""
