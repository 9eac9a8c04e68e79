"""Production settings for bench/portal.py and bench/gateway.py only: the portal's per-client
limits raised (all benchmark clients share one loopback address), and the peers installed
(the plain form and the plain API endpoint).

Never used to serve anyone: the peer (`haven.web.benchpeer`) exists only here.
"""

from haven.web.settings.production import *

INSTALLED_APPS = [*INSTALLED_APPS, "haven.web.benchpeer"]
ROOT_URLCONF = "haven.web.benchpeer.urls"

# Thirty-two clients on 127.0.0.1 are, to the throttle, one client.
HAVEN_PORTAL_DRAFTS_PER_HOUR = 10_000_000
HAVEN_PORTAL_SUBMISSIONS_PER_HOUR = 10_000_000
HAVEN_PORTAL_CODE_FAILURES_PER_HOUR = 10_000_000
HAVEN_PORTAL_MESSAGES_PER_HOUR = 10_000_000
