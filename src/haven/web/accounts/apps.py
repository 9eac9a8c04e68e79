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

        from axes.signals import user_locked_out

        user_locked_out.connect(_record_lockout, dispatch_uid="haven-lockout-ledger")


def _record_lockout(sender: object, request: object, username: str, **kwargs: object) -> None:
    from django.conf import settings

    from haven.web.accounts.services import sign_in_lockout_record

    sign_in_lockout_record(
        username=username or "",
        cool_off_seconds=int(settings.AXES_COOLOFF_TIME.total_seconds()),
    )
