"""The callback schedule tab (回访计划): My day, the record form with its script, scheduling, campaigns and rules."""
