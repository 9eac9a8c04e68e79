"""A separate process that appends ledger entries, one transaction each (concurrency tests).

Usage: python append_worker.py WORKER_NAME COUNT  (DATABASE_URL and HAVEN_DATA_DIR from the environment)
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.web.settings.local")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from haven.web.ledger.services import ledger_append  # noqa: E402

worker, count = sys.argv[1], int(sys.argv[2])
for sequence in range(count):
    with transaction.atomic():
        ledger_append(kind="decision", payload={"worker": worker, "sequence": sequence})
