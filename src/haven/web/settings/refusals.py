"""A logging filter that keeps a refusal to one line.

A 403 is the access rules doing their job (an officer opening the DPO's pages), not a
fault, but Django logs it with the `PermissionDenied`'s traceback, which buries the
faults an operator must see. The line stays (`Forbidden (Permission denied): /path`);
the traceback goes. Any other exception keeps its traceback.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class RefusalWithoutTracebackFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
