from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "haven.web.reporting"
    label = "reporting"
    verbose_name = "Crime reports"
