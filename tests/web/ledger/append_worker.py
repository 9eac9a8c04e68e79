"""A separate process that appends ledger entries, one transaction each (concurrency tests).

Usage: python append_worker.py WORKER_NAME COUNT  (DATABASE_URL and HAVEN_DATA_DIR from the environment)
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.web.settings.local")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from haven.ledger.kinds import PolicyChange  # noqa: E402
from haven.web.ledger.services import ledger_record  # noqa: E402

worker, count = sys.argv[1], int(sys.argv[2])
for sequence in range(count):
    with transaction.atomic():
        # A public kind, so the test can read each worker's sequence from the export.
        ledger_record(
            PolicyChange(force=worker, step=str(sequence), policy="p", version="v", by="s")
        )
