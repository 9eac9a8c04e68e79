"""Splitting Cedar policy text into its statements, for error locations and display.

cedarpy reports a syntax error without a position ("unexpected token `+`"), so the
loader splits the text at each `;` that is outside a string or a `//` comment, parses
the statements one at a time and names the first one that fails by line and `@id`.
The same split gives each rule's source text for `haven policy show`.
"""

from __future__ import annotations

import re
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
    index = 0
    in_string = False
    length = len(text)
    while index < length:
        char = text[index]
        if in_string:
            if char == "\\":
                index += 2
                continue
            if char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif text.startswith("//", index):
            newline = text.find("\n", index)
            index = length if newline == -1 else newline
            continue
        elif char == ";":
            statements.append(_statement(text, start, index + 1, terminated=True))
            start = index + 1
        index += 1
    tail = _statement(text, start, length, terminated=False)
    if not tail.is_blank:
        statements.append(tail)
    return statements


def strip_comments(text: str) -> str:
    """The text with `//` comments removed (strings are respected)."""
    out: list[str] = []
    index = 0
    in_string = False
    while index < len(text):
        char = text[index]
        if in_string:
            out.append(char)
            if char == "\\" and index + 1 < len(text):
                out.append(text[index + 1])
                index += 2
                continue
            if char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            out.append(char)
        elif text.startswith("//", index):
            newline = text.find("\n", index)
            index = len(text) if newline == -1 else newline
            continue
        else:
            out.append(char)
        index += 1
    return "".join(out)


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
