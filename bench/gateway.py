"""Benchmark: decision requests through the API (decide, write, ledger), on the production
server, against a plain token-authenticated django-ninja endpoint that inserts one row.

For each database, on a fresh database, data directory and keys, the production server
runs (`haven serve --behind-proxy`, gunicorn, `haven.web.settings.bench`) as
bench/portal.py starts it. On PostgreSQL the tables belong to the owner that migrates
them (`HAVEN_MIGRATE_DATABASE_URL`, POSTGRES_URL's user) and the site connects as
`haven_app`, a role that owns no table (created here if missing, as `make test-postgres`
does), so every request pays for row-level security as in production.

Set-up, in a Django process as the tables' owner, through the services: the Metropolitan
Police's active policy set to `npcc-2018`; an officer; a domestic-abuse report with its
victim; a sealed note about the victim (a doubt about their immigration status, raised by
the suspect); an API token with the scope `requests:write`, made by the officer.

Each request is `POST /api/v1/requests/`: a PNC check on the victim for the
investigation. The gateway opens the sealed note (ledgered: `sealed_access`), the
policy decides (npcc-2018 allows it, with no obligation, so it is recorded as approved
at once and waits for no one), the request is written, and its decision is ledgered
(`decision`), all in the request's transaction. The peer is `POST /bench/api/records/`
(`haven.web.benchpeer.api`): the same token auth, one insert, a small typed answer.

Measured, on the same server in the same run:

- **one client**: `--requests` of each endpoint, one at a time, alternating: p50, p95 and
  p99 of each;
- **`--clients` concurrent clients**: `--concurrent` requests of each endpoint, in
  `--rounds` alternating rounds (API, plain, plain, API, …, so a change in the shared
  machine's load falls on both): requests per second, and each request's latency;
- **raw decide**: the compiled policy's `decide` on the very case the gateway builds,
  in this process: microseconds per call.

Afterwards, in a Django process, every acknowledged request must be in the database
(approved) with its `decision` ledger event, and every plain call must have its row.

Targets (reported, not asserted): the API's p99 with one client at most 50 ms; its
throughput at least 50 % of the plain endpoint's.

PostgreSQL is used at POSTGRES_URL's server (default postgres://postgres@127.0.0.1:5432)
in a throwaway database created and dropped here; skipped, and said so, when
unreachable. Output: JSON.

    .venv/bin/python bench/gateway.py [--requests 200] [--clients 16] [--concurrent 2400]
                                      [--rounds 6] [--workers 2] [--threads 8]
                                      [--databases postgresql,sqlite]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from portal import Load, percentiles, production_environment, run_phase, server
from throwaway_postgres import PostgresUnavailable, throwaway_database

POLICY = "npcc-2018"
FORCE = "metropolitan"
APP_ROLE = "haven_app"  # haven.web.isolation.roles.APP_ROLE (this script imports no Django)
API_PATH = "/api/v1/requests/"
PLAIN_PATH = "/bench/api/records/"
PLAIN_TEXT = "PNC check on the victim, for the investigation."
DECIDE_CALLS = 20_000
DECIDE_REPEATS = 5


# --- the clients --------------------------------------------------------------------------


class RequestFailed(Exception):
    pass


class ApiClient:
    """A records system calling the API with its token, over a kept-alive connection."""

    def __init__(self, port: int, secret: str, number: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {
            "Host": f"127.0.0.1:{port}",
            # What the TLS proxy in front of Haven adds.
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": f"198.51.100.{number % 250 + 1}",
            "Authorization": f"Bearer {secret}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }

    def close(self) -> None:
        self.connection.close()

    def post(self, path: str, body: bytes) -> tuple[int, bytes, float]:
        """(status, body, seconds) of one POST."""
        started = time.perf_counter()
        for attempt in range(2):
            try:
                self.connection.request("POST", path, body=body, headers=self.headers)
                raw = self.connection.getresponse()
                content = raw.read()
                break
            except (http.client.HTTPException, ConnectionError):
                # The server closed a kept-alive connection before reading: open another, once.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        return raw.status, content, time.perf_counter() - started


def endpoints(set_up: dict) -> dict[str, tuple[str, bytes]]:
    """Each endpoint's path and the body every call sends."""
    request = {
        "report": set_up["report"],
        "person": set_up["person"],
        "action": "pnc_check",
        "purpose": "investigation",
    }
    return {
        "api": (API_PATH, json.dumps(request).encode()),
        "plain": (PLAIN_PATH, json.dumps({"text": PLAIN_TEXT}).encode()),
    }


def run_requests(port: int, set_up: dict, plan: list[str], clients: int) -> Load:
    """`clients` threads, each with its own connection, send the requests `plan` names
    ("api" or "plain", in order); each answer must be 201, or it is a failure.
    `Load.timings[endpoint]` holds each request's seconds."""
    paths = endpoints(set_up)
    local = threading.local()
    opened: list[ApiClient] = []
    lock = threading.Lock()

    def one(endpoint: str, timings: dict[str, list[float]]) -> None:
        client = getattr(local, "client", None)
        if client is None:
            with lock:
                client = local.client = ApiClient(port, set_up["secret"], len(opened))
                opened.append(client)
        status, content, seconds = client.post(*paths[endpoint])
        if status != 201:
            detail = content.decode("utf-8", "replace")[:200]
            raise RequestFailed(f"{endpoint}: {status} {detail}")
        timings[endpoint].append(seconds)

    try:
        return run_phase(plan, clients, one)
    finally:
        for client in opened:
            client.close()


def failed(loads: list[Load], endpoint: str) -> list[str]:
    return [f for load in loads for f in load.failures if f.startswith(f"{endpoint}: ")]


def concurrent(port: int, set_up: dict, args: argparse.Namespace) -> dict[str, dict]:
    """Alternating rounds of each endpoint at `args.clients` clients."""
    each = max(1, args.concurrent // args.rounds)
    seconds = {"api": 0.0, "plain": 0.0}
    timings: dict[str, list[float]] = {"api": [], "plain": []}
    loads: list[Load] = []
    for round_number in range(args.rounds):
        order = ("api", "plain") if round_number % 2 == 0 else ("plain", "api")
        for endpoint in order:
            load = run_requests(port, set_up, [endpoint] * each, args.clients)
            loads.append(load)
            seconds[endpoint] += load.seconds
            timings[endpoint].extend(load.timings.get(endpoint, []))
    return {
        endpoint: {
            "requests": len(timings[endpoint]),
            "seconds": round(seconds[endpoint], 2),
            "requests_per_second": round(len(timings[endpoint]) / seconds[endpoint], 1)
            if seconds[endpoint]
            else 0.0,
            "latency": percentiles(timings[endpoint]),
            "failed": len(failed(loads, endpoint)),
            "failures_sample": sorted(set(failed(loads, endpoint)))[:5],
        }
        for endpoint in ("api", "plain")
    }


# --- raw decide ---------------------------------------------------------------------------


def decide_cost(case: dict) -> dict:
    """The compiled policy's `decide` on `case`, in this process (no Django)."""
    from haven.policy import load_compiled_policy

    compiled = load_compiled_policy(POLICY)
    result = compiled.decide(case)
    per_call = []
    for _ in range(DECIDE_REPEATS):
        started = time.perf_counter()
        for _ in range(DECIDE_CALLS):
            compiled.decide(case)
        per_call.append((time.perf_counter() - started) / DECIDE_CALLS * 1e6)
    return {
        "policy": POLICY,
        "decision": result.decision,
        "obligations": list(result.obligations),
        "calls": DECIDE_CALLS * DECIDE_REPEATS,
        "microseconds_per_call": round(statistics.median(per_call), 2),
        "microseconds_per_call_best": round(min(per_call), 2),
    }


# --- the site's database: set-up and check, in Django processes ---------------------------


def django_child(env: dict[str, str], flag: str, payload: object = None) -> dict:
    """Run this script with `flag` in a Django process (as the tables' owner); its JSON."""
    done = subprocess.run(  # noqa: S603 - this script, as the set-up or the checker
        [sys.executable, __file__, flag],
        env=env,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{flag} failed: {done.stderr.strip()[-800:]}")
    return json.loads(done.stdout)


def set_up_site() -> int:
    """stdout: the token, the report and person the requests name, and the case the
    gateway will build from them (for the raw decide)."""
    import secrets

    from haven.commands.site import setup_django_as_owner

    setup_django_as_owner()
    from haven.web.accounts.models import Force, Role
    from haven.web.accounts.services import membership_grant, user_create
    from haven.web.apitokens.scopes import Scope
    from haven.web.apitokens.services import api_token_create
    from haven.web.reporting.models import Channel
    from haven.web.reporting.services import PersonInReport, report_create
    from haven.web.sharing.services import sealed_note_add

    force = Force.objects.get(code=FORCE)
    force.active_policy = POLICY
    force.full_clean()
    force.save(update_fields=["active_policy"])
    officer = user_create(username="bench-officer", password=secrets.token_urlsafe(24))
    membership_grant(user=officer, force=force, role=Role.OFFICER)
    report = report_create(
        force=force,
        offence="domestic_abuse",
        account="He keeps my passport and says he will have me deported if I leave.",
        people=[
            PersonInReport(role="victim", label="the caller"),
            PersonInReport(role="suspect", label="husband"),
        ],
        channel=Channel.PORTAL,
    )
    victim = report.people.get(role="victim")
    sealed_note_add(
        report=report,
        person=victim,
        status_concern="doubt",
        status_source="suspect",
        note="He says she overstayed.",
        by=officer,
    )
    token = api_token_create(
        force=force, name="bench records system", scopes=[Scope.REQUESTS_WRITE], by=officer
    )
    case = {
        # As sharing.services.decision_request_create builds it for this request.
        "action": "pnc_check",
        "recipient": "none",
        "role": victim.role,
        "offence": report.offence,
        "status_concern": "doubt",
        "status_source": "suspect",
        "purpose": "investigation",
        "stage": report.stage,
        "consent": "not_sought",
        "risk_to_others": False,
        "regularisation_support": False,
    }
    json.dump(
        {"secret": token.secret, "report": report.reference, "person": victim.pk, "case": case},
        sys.stdout,
    )
    return 0


def check_site() -> int:
    """stdout: what the database holds after the run: decision requests by status, their
    `decision` ledger events, and the plain endpoint's rows."""
    from haven.commands.site import setup_django_as_owner

    setup_django_as_owner()
    from django.db.models import Count

    from haven.web.benchpeer.models import PlainApiRecord
    from haven.web.ledger.models import LedgerEntry
    from haven.web.sharing.models import DecisionRequest

    statuses = dict(
        DecisionRequest.objects.values_list("status").annotate(n=Count("id")).order_by()
    )
    json.dump(
        {
            "decision_requests": sum(statuses.values()),
            "by_status": statuses,
            "decision_events": LedgerEntry.objects.filter(kind="decision").count(),
            "plain_rows": PlainApiRecord.objects.count(),
        },
        sys.stdout,
    )
    return 0


# --- one database ---------------------------------------------------------------------------


def app_role_url(owner_url: str, role: str = APP_ROLE) -> str:
    """`owner_url` with `role` as its user and no password (the server must let `role` in,
    as it does for `make test-postgres`)."""
    parts = urlsplit(owner_url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{role}@{host}", parts.path, parts.query, ""))


def ensure_app_role(owner_url: str) -> None:
    done = subprocess.run(  # noqa: S603 - the project's own module
        [sys.executable, "-m", "haven.web.isolation.roles", owner_url, APP_ROLE],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"cannot create the role {APP_ROLE}: {done.stderr.strip()[-500:]}")


def server_roles(owner_url: str) -> list[str]:
    """The roles the server's connections to the database use (seen as its owner)."""
    import psycopg

    with psycopg.connect(owner_url, autocommit=True, connect_timeout=5) as owner:
        rows = owner.execute(
            "SELECT DISTINCT usename FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return sorted(row[0] for row in rows)


def bench_database(database_url: str, args: argparse.Namespace, *, owner_url: str = "") -> dict:
    load_before = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="haven-bench-gateway-") as directory:
        env = production_environment(Path(directory), database_url.replace("DIR", directory))
        env.pop("HAVEN_MIGRATE_DATABASE_URL", None)
        if owner_url:
            env["HAVEN_MIGRATE_DATABASE_URL"] = owner_url
        with server(env, args.workers, args.threads) as port:
            set_up = django_child(env, "--set-up")
            # Warm every worker thread (imports, keys, a database connection each).
            warm = run_requests(port, set_up, ["api", "plain"] * 2 * args.clients, args.clients)
            roles = server_roles(owner_url) if owner_url else []
            one_client = run_requests(port, set_up, ["api", "plain"] * args.requests, clients=1)
            many = concurrent(port, set_up, args)
        recorded = django_child(env, "--check")
    decide = decide_cost(set_up["case"])
    load_after = [round(x, 2) for x in os.getloadavg()]

    loads = [warm, one_client]
    acknowledged = {
        endpoint: len(warm.timings.get(endpoint, []))
        + len(one_client.timings.get(endpoint, []))
        + many[endpoint]["requests"]
        for endpoint in ("api", "plain")
    }
    result: dict = {
        "server_connects_as": roles
        if owner_url
        else "the database file's owner (SQLite: no row-level security)",
        "load_average_before": load_before,
        "load_average_after": load_after,
    }
    for endpoint in ("api", "plain"):
        result[endpoint] = {
            "one_client": percentiles(one_client.timings.get(endpoint, [])),
            "concurrent": many[endpoint],
            "failed": len(failed(loads, endpoint)) + many[endpoint]["failed"],
            "failures_sample": sorted(set(failed(loads, endpoint)))[:5]
            + many[endpoint]["failures_sample"],
            "acknowledged": acknowledged[endpoint],
        }
    api_rate = many["api"]["requests_per_second"]
    plain_rate = many["plain"]["requests_per_second"]
    ratio = api_rate / plain_rate if plain_rate else 0.0
    api_p99 = result["api"]["one_client"].get("p99_ms", float("inf"))
    api_p50 = result["api"]["one_client"].get("p50_ms", 0.0)
    every_one_recorded = (
        recorded["decision_requests"] == acknowledged["api"]
        and recorded["by_status"].get("approved", 0) == acknowledged["api"]
        and recorded["decision_events"] == acknowledged["api"]
        and recorded["plain_rows"] == acknowledged["plain"]
    )
    result.update(
        {
            "decide": decide,
            "decide_percent_of_api_p50": round(
                100 * decide["microseconds_per_call"] / 1000 / api_p50, 4
            )
            if api_p50
            else None,
            "ratio_throughput": round(ratio, 3),
            "ratio_p50_one_client": round(api_p50 / result["plain"]["one_client"]["p50_ms"], 2)
            if result["plain"]["one_client"].get("p50_ms")
            else None,
            "recorded": recorded,
            "checks": {
                "no_request_failed": not any(result[e]["failed"] for e in ("api", "plain")),
                "every_acknowledged_request_recorded": every_one_recorded,
                "server_connects_as_the_app_role_only": roles == [APP_ROLE] if owner_url else None,
            },
            "targets": {
                "p99_one_client_at_most_50_ms": api_p99 <= 50,
                "throughput_at_least_half_the_plain_endpoint": ratio >= 0.5,
            },
        }
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=200, help="one-client requests per endpoint"
    )
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument(
        "--concurrent", type=int, default=2400, help="concurrent requests per endpoint"
    )
    # Six rounds of 400: on this machine's shared cores a round of the peer lasts about a
    # second, and two rounds of 400 (the earlier default) gave ratios from 0.43 to 0.64
    # for the same code within three minutes; six alternating rounds hold within a few
    # points (docs/performance.md, "Gateway, late run").
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds of each")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (haven serve)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--set-up", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.set_up:
        return set_up_site()
    if args.check:
        return check_site()
    # The clients are threads of this one process: a thread whose response has come
    # should stop its clock within half a millisecond, not Python's default 5 ms.
    sys.setswitchinterval(0.0005)
    databases = args.databases.split(",")
    results: dict = {
        "benchmark": "gateway",
        "request": f"POST {API_PATH}: pnc_check on a domestic-abuse victim, under {POLICY}",
        "peer": f"POST {PLAIN_PATH}: token auth, one insert",
        "clients": args.clients,
        "server": f"haven serve (gunicorn gthread), {args.workers} workers x {args.threads} threads",
        "cpus": os.cpu_count(),
    }
    if "postgresql" in databases:
        try:
            with throwaway_database("haven_bench_gateway") as owner_url:
                ensure_app_role(owner_url)
                results["postgresql"] = bench_database(
                    app_role_url(owner_url), args, owner_url=owner_url
                )
        except PostgresUnavailable as error:
            results["postgresql"] = {"skipped": str(error)}
    if "sqlite" in databases:
        results["sqlite"] = bench_database("sqlite:///DIR/bench.sqlite3", args)
    json.dump(results, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
