"""A refused `ValidationError` as one line, for the API's `detail` and the command line.

Each field's messages follow its name as the caller knows it (a body field, `--option`),
joined with "; "; messages about no one field stand alone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def refusal_line(error: ValidationError, field_line: Callable[[str, str], str]) -> str:
    """`error` in one line; `field_line(field, text)` words one field's messages."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return "; ".join(
        " ".join(messages) if field == NON_FIELD_ERRORS else field_line(field, " ".join(messages))
        for field, messages in error.message_dict.items()
    )
