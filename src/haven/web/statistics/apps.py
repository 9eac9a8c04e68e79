from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "haven.web.statistics"
    label = "statistics"
    verbose_name = "Statistics"
