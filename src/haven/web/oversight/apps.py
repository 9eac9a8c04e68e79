from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "haven.web.oversight"
    label = "oversight"
    verbose_name = "Oversight"
