"""Access-matrix rows of the public transparency pages (docs/transparency.md): every
one is public, with no sign-in, for every role (tests/web/transparency checks what they
show and that no personal data is on them)."""

from __future__ import annotations

LIST_PAGES: dict[str, str] = {}
OBJECT_PAGES: dict[str, dict[str, str]] = {}
PUBLIC = {"transparency:index", "transparency:force", "transparency:reforms"}
URL_ARGS = {"transparency:force": lambda side: [side.report.force.code]}
