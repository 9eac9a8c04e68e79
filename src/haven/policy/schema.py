"""Haven's Cedar schema (`haven/policies/haven.cedarschema`), read and parsed once."""

from __future__ import annotations

from functools import cache
from importlib import resources

import cedarpy

SCHEMA_FILE = "haven.cedarschema"


@cache
def schema_text() -> str:
    """The Cedar schema text shipped with Haven."""
    return resources.files("haven.policies").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@cache
def schema() -> cedarpy.Schema:
    """The parsed schema handle (parsing once saves time on every validation)."""
    return cedarpy.Schema.from_str(schema_text())
