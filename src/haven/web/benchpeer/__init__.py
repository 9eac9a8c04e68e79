"""The portal benchmark's peer: a plain Django form that saves one row.

Installed only by `haven.web.settings.bench` (bench/portal.py); production and the test
settings never install it, and `haven.web.urls` never routes to it.
"""
