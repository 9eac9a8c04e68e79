"""The plain API endpoint: the API's token auth, one insert, a small typed answer.

What every token-authenticated django-ninja endpoint pays, and nothing more: the
yardstick bench/gateway.py holds `POST /api/v1/requests/` against. Its own NinjaAPI,
mounted only by the bench settings' URLs (`urls.py`).
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, NinjaAPI, Schema
from ninja import Status as Answer

from haven.web.api.auth import TokenAuth
from haven.web.benchpeer.models import PlainApiRecord

MAX_TEXT_CHARACTERS = 5_000

api = NinjaAPI(
    title="Haven bench peer",
    version="bench",
    urls_namespace="benchpeer-api",
    docs_url=None,
    auth=TokenAuth(),
)


class PlainIn(Schema):
    text: str = Field(max_length=MAX_TEXT_CHARACTERS)


class PlainOut(Schema):
    id: int
    created_at: datetime


@api.post("/records/", response={201: PlainOut}, summary="Save one row")
def plain_record_create(request: HttpRequest, payload: PlainIn):
    record = PlainApiRecord.objects.create(text=payload.text)
    return Answer(201, record)
