"""Fixtures for the API's tests: tokens, a test policy for token reads, JSON helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from haven.web.apitokens.services import api_token_create

POLICE_READ = str(Path(__file__).with_name("policies") / "police_read.cedar")
"""A test policy deciding disclosures to the police (no shipped policy permits one)."""


def use_policy(force, policy: str) -> None:
    force.active_policy = policy  # a test policy is a path; the validator is for forms
    force.save(update_fields=["active_policy"])


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def token_for(met):
    def make(user, *scopes: str, force=None):
        return api_token_create(
            force=force or met, name="records system", scopes=scopes, by=user
        ).secret

    return make
