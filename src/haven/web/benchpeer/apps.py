from django.apps import AppConfig


class BenchPeerConfig(AppConfig):
    name = "haven.web.benchpeer"
    label = "benchpeer"
    default_auto_field = "django.db.models.BigAutoField"
