from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "haven.web.portal"
    label = "portal"
    verbose_name = "Safe reporting portal"
