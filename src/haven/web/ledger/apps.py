from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "haven.web.ledger"
    label = "ledger"
    verbose_name = "Tamper-evident ledger"
