from django.apps import AppConfig


class IsolationConfig(AppConfig):
    name = "haven.web.isolation"
    label = "isolation"
    verbose_name = "Force isolation (PostgreSQL row-level security)"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from haven.web.isolation import roles, scope

        connection_created.connect(scope.site_scope_on_connect, dispatch_uid="haven-site-scope")
        post_migrate.connect(roles.grant_app_role, sender=self, dispatch_uid="haven-grant-app")
