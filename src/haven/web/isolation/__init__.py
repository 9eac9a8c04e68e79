"""Force isolation enforced by PostgreSQL: row-level security on every force-scoped table.

`registry.py` is the one place that says which tables hold a force's data and how each
row reaches its force; the migrations enable row-level security from it, `scope.py`
sets the per-request setting the policies read, and `middleware.py` sets it for each
request. See docs/architecture.md, "Row-level security".
"""
