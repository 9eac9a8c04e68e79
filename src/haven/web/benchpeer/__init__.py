"""The benchmarks' peers, each saving one row: a plain Django form (bench/portal.py) and a
plain token-authenticated django-ninja endpoint (bench/gateway.py).

Installed only by `haven.web.settings.bench`; production and the test settings never
install it, and `haven.web.urls` never routes to it.
"""
