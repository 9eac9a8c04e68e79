from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    name = "haven.web.subjectaccess"
    label = "subjectaccess"
    verbose_name = "Subject access"
