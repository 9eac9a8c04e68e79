from django.apps import AppConfig


class ApiTokensConfig(AppConfig):
    name = "haven.web.apitokens"
    label = "apitokens"
    verbose_name = "Per-force API tokens with scopes"
