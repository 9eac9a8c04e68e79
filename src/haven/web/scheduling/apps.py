from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "haven.web.scheduling"
    label = "scheduling"
    verbose_name = "Scheduled jobs"
