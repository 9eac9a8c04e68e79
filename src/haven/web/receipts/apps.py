from django.apps import AppConfig


class ReceiptsConfig(AppConfig):
    name = "haven.web.receipts"
    label = "receipts"
    verbose_name = "Promise receipts"
