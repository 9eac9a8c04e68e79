from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "haven.web.governance"
    label = "governance"
    verbose_name = "Policy governance"
