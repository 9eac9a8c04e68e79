"""Haven's JSON API (django-ninja); each area adds its router here."""

from ninja import NinjaAPI

from haven.web.ledger.api import router as ledger_router

# No interactive docs page: it loads scripts from a CDN, which the CSP forbids;
# the schema stays at /api/openapi.json.
api = NinjaAPI(title="Haven API", version="1", urls_namespace="api", docs_url=None)
api.add_router("/ledger/", ledger_router)
