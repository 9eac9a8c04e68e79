"""Haven's JSON API, version 1 (django-ninja), at `/api/v1/` (docs/api.md).

`v1.py` builds it; each area adds its router there. The old `/api/...` paths redirect
to their `/api/v1/...` twins (`legacy.py`).
"""

from haven.web.api.v1 import api

__all__ = ["api"]
