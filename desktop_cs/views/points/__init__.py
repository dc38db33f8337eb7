"""The points tab (积分): a customer's balance, ledger and points commands; rules, summary and checks for supervisors."""
