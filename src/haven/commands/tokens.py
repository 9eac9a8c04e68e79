"""`haven tokens …`: a force's API tokens (docs/api.md)."""

from __future__ import annotations

import argparse
from difflib import get_close_matches

from haven.commands import CommandError
from haven.commands.site import database_error_line, setup_django


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("tokens", help="create, list and revoke a force's API tokens")
    sub = parser.add_subparsers(dest="tokens_command", metavar="SUBCOMMAND", required=True)
    create = sub.add_parser("create", help="make a token; it is printed once, never again")
    create.add_argument("--force", required=True, help="the force's code, e.g. metropolitan")
    create.add_argument("--name", required=True, help="what will use it, e.g. 'Records system'")
    create.add_argument(
        "--scopes", required=True, help="comma-separated, e.g. reports:read,requests:write"
    )
    create.add_argument("--by", required=True, help="username of the staff member it acts for")
    create.set_defaults(run=create_command)
    listing = sub.add_parser("list", help="the tokens (never the tokens themselves)")
    listing.add_argument("--force", help="only this force's tokens")
    listing.set_defaults(run=list_command)
    revoke = sub.add_parser("revoke", help="revoke a token at once")
    revoke.add_argument("id", type=int, help="the token's id, from `haven tokens list`")
    revoke.add_argument("--by", required=True, help="username of who revokes it")
    revoke.set_defaults(run=revoke_command)


def _user(username: str):
    from haven.web.accounts.models import User

    try:
        return User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise CommandError(f"--by: no active user {username!r}") from None


def _force(code: str):
    from haven.web.accounts.models import Force

    try:
        return Force.objects.get(code=code)
    except Force.DoesNotExist:
        codes = list(Force.objects.order_by("code").values_list("code", flat=True))
        near = [c for c in codes if c.startswith(code.lower())] or get_close_matches(
            code.lower(), codes, n=3
        )
        hint = f"did you mean {', '.join(near)}?" if near else f"the codes: {', '.join(codes)}"
        raise CommandError(f"--force: no force with the code {code!r}; {hint}") from None


def _refused(error: Exception) -> CommandError:
    """One line for a refusal; a field's message names the option it came from."""
    from django.core.exceptions import ValidationError

    from haven.web.refusal_line import refusal_line

    if isinstance(error, ValidationError):
        return CommandError(
            refusal_line(error, lambda field, text: f"--{field}: {text[:1].lower()}{text[1:]}")
        )
    return CommandError(str(error))


def create_command(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import DatabaseError

    from haven.web.apitokens.services import api_token_create

    try:
        created = api_token_create(
            force=_force(args.force),
            name=args.name,
            scopes=[scope for scope in args.scopes.split(",") if scope.strip()],
            by=_user(args.by),
        )
    except DatabaseError as error:
        raise CommandError(database_error_line(error)) from None
    except (PermissionDenied, ValidationError) as error:
        raise _refused(error) from None
    token = created.token
    print(f"token {token.pk} for {token.force.name}: {', '.join(token.scopes)}")
    print("Copy it now: Haven keeps only a keyed digest and cannot show it again.")
    print(created.secret)
    return 0


def list_command(args: argparse.Namespace) -> int:
    setup_django()
    from django.db import DatabaseError

    from haven.web.apitokens.selectors import api_token_list

    try:
        tokens = list(api_token_list(force=_force(args.force) if args.force else None))
    except DatabaseError as error:
        raise CommandError(database_error_line(error)) from None
    if not tokens:
        print("no tokens")
    for token in tokens:
        state = f"revoked {token.revoked:%Y-%m-%d}" if token.revoked else "active"
        print(
            f"{token.pk}  {token.force.code}  {token.name}  {','.join(token.scopes)}  "
            f"by {token.created_by.username}  {token.created:%Y-%m-%d}  {state}"
        )
    return 0


def revoke_command(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.exceptions import PermissionDenied
    from django.db import DatabaseError

    from haven.web.apitokens.models import ApiToken
    from haven.web.apitokens.services import api_token_revoke

    try:
        token = ApiToken.objects.get(pk=args.id)
        api_token_revoke(token=token, by=_user(args.by))
    except ApiToken.DoesNotExist:
        raise CommandError(f"no token with the id {args.id}") from None
    except DatabaseError as error:
        raise CommandError(database_error_line(error)) from None
    except PermissionDenied as error:
        raise _refused(error) from None
    print(f"token {args.id} revoked")
    return 0
