"""The statistics pages' rows of the access matrix (tests/web/test_access_matrix.py).

Everything under /statistics/ is public by design: noisy counts only, the same for every
reader. The index is checked cell by cell (every role reads it; it takes no POST); the
pages of a quarter exist only once it is released, so they are declared public here and
tested, for anonymous readers and 404s, in tests/web/statistics/test_pages.py.
"""

from __future__ import annotations

LIST_PAGES = {
    "statistics:index": "200/405 200/405 200/405 200/405 200/405 200/405",
}
OBJECT_PAGES: dict[str, dict[str, str]] = {}
PUBLIC = {"statistics:index", "statistics:quarter", "statistics:release", "statistics:download"}
URL_ARGS: dict = {}
