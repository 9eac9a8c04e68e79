from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "haven.web.accounts"
    label = "accounts"
    verbose_name = "Forces, people and roles"
