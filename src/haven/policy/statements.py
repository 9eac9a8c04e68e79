"""Splitting Cedar policy text into its statements, for error locations and display.

cedarpy reports a syntax error without a position ("unexpected token `+`"), so the
loader splits the text at each `;` that is outside a string or a `//` comment, parses
the statements one at a time and names the first one that fails by line and `@id`.
The same split gives each rule's source text for `haven policy show`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_ID_ANNOTATION = re.compile(r'@id\s*\(\s*"((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Statement:
    """One `;`-terminated statement (or the unterminated tail) of a policy file."""

    text: str
    line: int
    """1-based line of the statement's first character that is not blank or comment."""
    terminated: bool

    @property
    def rule_id(self) -> str | None:
        """The `@id` annotation's value, read lexically (the statement may not parse)."""
        match = _ID_ANNOTATION.search(self.text)
        return match.group(1) if match else None

    @property
    def code(self) -> str:
        """The statement from its first code character (leading comments dropped)."""
        return self.text[_first_code_offset(self.text) :].strip()

    @property
    def is_blank(self) -> bool:
        return not strip_comments(self.text).strip()


def split_statements(text: str) -> list[Statement]:
    """Split policy text at top-level `;` (not inside strings or `//` comments)."""
    statements: list[Statement] = []
    start = 0
    for index, char, quoted in _code_characters(text):
        if char == ";" and not quoted:
            statements.append(_statement(text, start, index + 1, terminated=True))
            start = index + 1
    tail = _statement(text, start, len(text), terminated=False)
    if not tail.is_blank:
        statements.append(tail)
    return statements


def strip_comments(text: str) -> str:
    """The text with `//` comments removed (strings are respected)."""
    return "".join(char for _index, char, _quoted in _code_characters(text))


def _code_characters(text: str) -> Iterator[tuple[int, str, bool]]:
    """`(index, character, inside a string)` for every character outside `//` comments.

    A backslash inside a string escapes the next character, so `"a\\"b"` stays one
    string; the newline that ends a comment is kept.
    """
    index = 0
    length = len(text)
    in_string = False
    while index < length:
        char = text[index]
        if in_string:
            yield index, char, True
            if char == "\\" and index + 1 < length:
                yield index + 1, text[index + 1], True
                index += 2
                continue
            if char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            yield index, char, True
        elif text.startswith("//", index):
            newline = text.find("\n", index)
            index = length if newline == -1 else newline
            continue
        else:
            yield index, char, False
        index += 1


def leading_comment(text: str) -> list[str]:
    """The lines of the `//` comment block at the top of a file, without the slashes."""
    lines: list[str] = []
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped and not lines:
            continue
        if not stripped.startswith("//"):
            break
        lines.append(stripped[2:].strip())
    return lines


def _statement(text: str, start: int, end: int, *, terminated: bool) -> Statement:
    chunk = text[start:end]
    offset = _first_code_offset(chunk)
    line = text.count("\n", 0, start + offset) + 1
    return Statement(text=chunk, line=line, terminated=terminated)


def _first_code_offset(chunk: str) -> int:
    """Offset of the first character that is neither whitespace nor in a comment."""
    index = 0
    while index < len(chunk):
        if chunk[index].isspace():
            index += 1
        elif chunk.startswith("//", index):
            newline = chunk.find("\n", index)
            if newline == -1:
                return len(chunk)
            index = newline + 1
        else:
            return index
    return len(chunk)
