from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "haven.web.accounts"
    label = "accounts"
    verbose_name = "Forces, people and roles"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from haven.web.settings.files import restrict_sqlite_files

        # Site-wide, not about accounts: the first app is where the site's signals connect.
        connection_created.connect(restrict_sqlite_files, dispatch_uid="haven-sqlite-modes")
