from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "haven.web.sharing"
    label = "sharing"
    verbose_name = "The gateway: decided requests, approvals and outbound packages"
