from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "haven.web.transparency"
    label = "transparency"
    verbose_name = "Public transparency pages"
