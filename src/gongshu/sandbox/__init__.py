"""Sandbox: the trusted environment (可信环境) — sample data, SQL and Python jobs on real data that never
leaves, output control, differential privacy budgets and review (一模型一审定)."""
