"""Benchmark: the reporting portal under 32 concurrent clients, on SQLite and on PostgreSQL.

For each database, on a fresh database, data directory and keys, the production server
runs (`haven serve --behind-proxy`, gunicorn, production settings) with
`haven.web.settings.bench`: production plus the portal's per-client limits raised (every
client here comes from 127.0.0.1) and the peer installed. The clients speak HTTP over
loopback as the TLS proxy in front of Haven would (`X-Forwarded-Proto: https`), keep
their own cookies, and read each page's CSRF token from its form.

- **Portal**: each client walks the real flow: the start page, each question page (it
  reads the form, picks an answer for every field and posts it, following redirects),
  check your answers, and the submission; it records the reference and the receipt code
  the confirmation page shows. A client that is sent back to the same page with an
  error tries the next option, so the walk follows the pages as they are.
- **Peer** (same server, same clients, same run): a plain Django form that saves one
  row (`haven.web.benchpeer`: CSRF, session, one insert, a redirect, the page after).
- **Retrieval**: afterwards every acknowledged receipt code is looked up by its digest
  in the database, as the follow-up page does (`receipt_code_find`), and must lead to
  the reference the confirmation page showed. A code that does not is a lost report.

Targets (reported, not asserted): the portal's submissions per second at least 50 % of
the plain form's; p99 of a request at most 300 ms; zero lost reports.

PostgreSQL is used at POSTGRES_URL's server (default postgres://postgres@127.0.0.1:5432)
in a throwaway database created and dropped here; skipped, and said so, when
unreachable. Output: JSON.

    .venv/bin/python bench/portal.py [--clients 32] [--reports 320] [--plain 640]
                                     [--workers 2] [--threads 8] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

from throwaway_postgres import PostgresUnavailable, throwaway_database

SETTINGS = "haven.web.settings.bench"
STARTUP_SECONDS = 90
MAX_STEPS = 60
ACCOUNT = (
    "The man who runs the car wash keeps my passport and pays me nothing. "
    "He says he will call the police on me if I complain. " * 3
)

# Answers the walker gives by field name; any other field gets a sensible default.
PREFERRED = {
    "way": ["victim"],
    "force": ["metropolitan"],
    "account": [ACCOUNT],
    "place": ["Near the car wash on the high street"],
    "language": ["en"],
    "interpreter": ["no", "false", "0"],
    "contact": ["no", "false", "0"],
    "allowed": ["no", "false", "0"],
    "support": ["none"],
    # The when page asks for a date or, instead, roughly when: exactly one. The client
    # gives the date (day, month, year above) and leaves "roughly" empty.
    "roughly": [""],
}
NEGATIVE = ("no", "false", "0", "none", "roughly")


# --- a minimal browser ------------------------------------------------------------------


@dataclass
class Field:
    kind: str  # input type, "textarea" or "select"
    name: str
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)
    buttons: list[tuple[str, str, bool]] = field(default_factory=list)  # name, value, primary


class PageParser(HTMLParser):
    """The page's forms, links and text: all the walker reads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[tuple[dict[str, str], str]] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._link: dict[str, str] | None = None
        self._link_text = ""

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in attributes}
        if tag == "form":
            self._form = Form(action=attrs.get("action", ""), method=attrs.get("method", "get"))
            self.forms.append(self._form)
        elif tag == "a":
            self._link, self._link_text = attrs, ""
        elif self._form is None:
            return
        elif tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind == "submit":
                self._form.buttons.append(_button(attrs))
            elif attrs.get("name"):
                self._form.fields.append(
                    Field(kind, attrs["name"], attrs.get("value", ""), "checked" in attrs)
                )
        elif tag == "button" and attrs.get("type", "submit") == "submit":
            self._form.buttons.append(_button(attrs))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = Field("textarea", attrs["name"])
            self._form.fields.append(self._textarea)
        elif tag == "select" and attrs.get("name"):
            self._select = Field("select", attrs["name"])
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select.value = attrs.get("value", "")

    def handle_startendtag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attributes)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "a" and self._link is not None:
            self.links.append((self._link, self._link_text.strip()))
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        if self._link is not None:
            self._link_text += data


def _button(attrs: dict[str, str]) -> tuple[str, str, bool]:
    classes = attrs.get("class", "")
    primary = "govuk-button--secondary" not in classes and "govuk-button--warning" not in classes
    return attrs.get("name", ""), attrs.get("value", ""), primary


@dataclass
class Response:
    status: int
    url: str
    body: str
    seconds: float


class Client:
    """One person's browser, reduced to HTTP/1.1 on a kept-alive loopback connection."""

    def __init__(self, port: int, number: int, timings: dict[str, list[float]]) -> None:
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.timings = timings
        # What the TLS proxy in front of Haven adds; each client its own documentation address.
        self.forwarded_for = f"198.51.100.{number % 250 + 1}"

    def close(self) -> None:
        self.connection.close()

    def reconnect(self) -> None:
        """A new connection, the cookies kept (the same person coming back)."""
        self.connection.close()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def _send(self, method: str, url: str, body: bytes | None, referer: str | None) -> Response:
        path = urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.forwarded_for,
            "Accept-Language": "en",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
        if referer:
            headers["Referer"] = referer
        started = time.perf_counter()
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                raw = self.connection.getresponse()
                content = raw.read()
                break
            except (http.client.HTTPException, ConnectionError):
                # The server closed a kept-alive connection: open another, once.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        seconds = time.perf_counter() - started
        self.timings[f"{method} {_page_name(path)}"].append(seconds)
        for header, value in raw.getheaders():
            if header.lower() == "set-cookie":
                self._remember(value)
        location = raw.getheader("Location")
        return Response(
            raw.status,
            urljoin(url, location) if location else url,
            content.decode("utf-8", "replace"),
            seconds,
        )

    def _remember(self, header: str) -> None:
        pair, *attributes = header.split(";")
        name, _, value = pair.strip().partition("=")
        gone = any(
            a.strip().lower() in ("max-age=0",)
            or a.strip().lower().startswith("expires=thu, 01 jan 1970")
            for a in attributes
        )
        if gone:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def request(
        self,
        method: str,
        url: str,
        data: list[tuple[str, str]] | None = None,
        referer: str | None = None,
    ) -> Response:
        """One request, then its redirects (GET), as a browser does."""
        body = urlencode(data).encode() if data is not None else None
        response = self._send(method, url, body, referer)
        for _ in range(10):
            if response.status not in (301, 302, 303, 307, 308):
                break
            response = self._send("GET", response.url, None, referer)
        return response


def _page_name(path: str) -> str:
    """A path with its variable parts folded, so timings group by page."""
    path = path.split("?", 1)[0]
    return re.sub(r"/[A-Z0-9]{6,}(?=/|$)|/\d+(?=/|$)", "/…", path)


# --- the walks --------------------------------------------------------------------------


class WalkFailed(Exception):
    pass


def _main_form(parser: PageParser) -> Form | None:
    """The page's question form: its first POST form (the exit and the languages are links)."""
    for form in parser.forms:
        if form.method.lower() != "post":
            continue
        if any(f.name == "csrfmiddlewaretoken" for f in form.fields):
            return form
    return None


def _choices(form: Form) -> dict[str, list[str]]:
    """Every radio, checkbox and select field's options, in page order."""
    options: dict[str, list[str]] = defaultdict(list)
    for item in form.fields:
        if item.kind in ("radio", "checkbox"):
            options[item.name].append(item.value)
        elif item.kind == "select":
            options[item.name] = [o for o in item.options if o]
    return options


def _pick(name: str, values: list[str], attempt: int) -> str:
    short = name.rsplit("-", 1)[-1].rsplit(".", 1)[-1]
    for wanted in PREFERRED.get(name, PREFERRED.get(short, [])):
        if wanted in values and attempt == 0:
            return wanted
    negatives = [v for v in values if v.lower() in NEGATIVE]
    ordered = negatives + [v for v in values if v not in negatives]
    return ordered[attempt % len(ordered)]


def _text_for(item: Field, attempt: int) -> str:
    name = item.name.lower()
    short = re.split(r"[-_.]", name)[-1]
    if item.value and item.kind not in ("textarea",):
        return item.value
    if short == "day":
        return "12"
    if short == "month":
        return "6"
    if short == "year":
        return "2026"
    if item.kind == "email" or "email" in name:
        return "someone@example.org"
    if item.kind == "tel" or "phone" in name:
        return "07700 900123"
    if "date" in name:
        return "12/06/2026"
    for wanted in PREFERRED.get(item.name, PREFERRED.get(short, [])):
        return wanted
    if item.kind == "textarea":
        return ACCOUNT
    return "Last spring" if attempt == 0 else "A friend"


def fill(form: Form, attempt: int) -> list[tuple[str, str]]:
    """Answers for every field of a question form (attempt n picks the n-th options)."""
    data: list[tuple[str, str]] = []
    chosen = {
        name: _pick(name, values, attempt) for name, values in _choices(form).items() if values
    }
    for item in form.fields:
        if item.kind in ("radio", "checkbox", "select"):
            if chosen.get(item.name) is not None:
                data.append((item.name, chosen.pop(item.name)))
        elif item.kind == "hidden":
            data.append((item.name, item.value))
        elif item.kind in ("text", "textarea", "email", "tel", "number", "date", "search"):
            data.append((item.name, _text_for(item, attempt)))
    # The page's main button ("Continue"), not "Add another" or "Remove".
    primary = [b for b in form.buttons if b[2]] or form.buttons
    if primary and primary[0][0]:
        data.append((primary[0][0], primary[0][1]))
    return data


REFERENCE = re.compile(r"\bHVN-[A-Z0-9]{4}-[A-Z0-9]{4}\b")
CODE = re.compile(r"\b[A-Z0-9]{4} ?[A-Z0-9]{4} ?[A-Z0-9]{4} ?[A-Z0-9]{4}\b")


def confirmation(body: str) -> tuple[str, str] | None:
    """The reference and receipt code a confirmation page shows, or None on other pages."""
    if "govuk-panel--confirmation" not in body:
        return None
    shown = re.search(r'id="receipt-code"[^>]*>([^<]+)<', body)
    reference = REFERENCE.search(body)
    code = CODE.search(html.unescape(shown.group(1))) if shown else None
    if not code or not reference:
        return None
    return reference.group(0), code.group(0).replace(" ", "")


@dataclass(frozen=True)
class Ready:
    """The last step, filled in and not yet sent."""

    action: str
    data: list[tuple[str, str]]
    referer: str


def _answerable(form: Form) -> bool:
    return any(f.kind != "hidden" for f in form.fields)


def report_walk(client: Client, start: str, *, stop_at_check: bool = False):  # noqa: ANN201
    """From the portal's start page to the confirmation: (reference, receipt code).

    With `stop_at_check`, stop at check your answers (the form with nothing left to
    answer) and return what submitting would send (`Ready`).
    """
    response = client.request("GET", start)
    attempts: dict[str, int] = defaultdict(int)
    for _ in range(MAX_STEPS):
        if response.status >= 400:
            raise WalkFailed(f"{response.status} at {urlsplit(response.url).path}")
        parser = PageParser()
        parser.feed(response.body)
        found = confirmation(response.body)
        if found:
            return found
        form = _main_form(parser)
        if form is None:
            starts = [
                attrs["href"]
                for attrs, _text in parser.links
                if "exit" not in attrs.get("href", "")
                and (
                    "govuk-button--start" in attrs.get("class", "")
                    or (
                        "govuk-button" in attrs.get("class", "")
                        and "/report/" in attrs.get("href", "")
                    )
                )
            ]
            if not starts:
                raise WalkFailed(f"no form and no way on at {urlsplit(response.url).path}")
            response = client.request("GET", urljoin(response.url, starts[0]), referer=response.url)
            continue
        page = urlsplit(response.url).path
        attempt = attempts[page]
        attempts[page] += 1
        if attempt > 6:
            raise WalkFailed(f"stuck at {page}")
        action = urljoin(response.url, form.action or response.url)
        if stop_at_check and not _answerable(form):
            return Ready(action, fill(form, attempt), response.url)
        response = client.request("POST", action, fill(form, attempt), referer=response.url)
    raise WalkFailed("too many pages")


def report_send(client: Client, ready: Ready) -> tuple[str, str]:
    """Submit the checked answers: (reference, receipt code) from the confirmation."""
    response = client.request("POST", ready.action, ready.data, referer=ready.referer)
    found = confirmation(response.body)
    if found is None:
        raise WalkFailed(f"{response.status} and no confirmation at {urlsplit(response.url).path}")
    return found


def plain_prepare(client: Client, url: str) -> Ready:
    response = client.request("GET", url)
    parser = PageParser()
    parser.feed(response.body)
    form = _main_form(parser)
    if form is None:
        raise WalkFailed("the plain form page has no form")
    data = [(f.name, f.value) for f in form.fields if f.kind == "hidden"] + [("text", ACCOUNT)]
    return Ready(url, data, url)


def plain_send(client: Client, ready: Ready) -> None:
    done = client.request("POST", ready.action, ready.data, referer=ready.referer)
    if done.status != 200 or not done.url.rstrip("/").endswith("done"):
        raise WalkFailed(f"the plain form answered {done.status} at {done.url}")


def plain_walk(client: Client, url: str) -> None:
    plain_send(client, plain_prepare(client, url))


@dataclass
class Load:
    seconds: float
    completed: list[tuple[str, str]]
    walks: list[float]
    timings: dict[str, list[float]]
    failures: list[str]


def run_phase(items: list, clients: int, work) -> Load:  # noqa: ANN001
    """`clients` threads share `items`; `work(item, timings)` does one and returns its result
    (None for nothing to keep). Each walk's time and each request's time are kept."""
    remaining = iter(items)
    lock = threading.Lock()
    completed: list = []
    walks: list[float] = []
    failures: list[str] = []
    timings: dict[str, list[float]] = defaultdict(list)

    def one_thread() -> None:
        mine: dict[str, list[float]] = defaultdict(list)
        while True:
            with lock:
                item = next(remaining, _DONE)
            if item is _DONE:
                break
            started = time.perf_counter()
            try:
                result = work(item, mine)
            except Exception as error:  # noqa: BLE001 - a failed walk is a figure
                with lock:
                    failures.append(f"{type(error).__name__}: {error}")
                continue
            with lock:
                walks.append(time.perf_counter() - started)
                if result is not None:
                    completed.append(result)
        with lock:
            for name, values in mine.items():
                timings[name].extend(values)

    threads = [threading.Thread(target=one_thread) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Load(time.perf_counter() - started, completed, walks, dict(timings), failures)


_DONE = object()


def run_walks(port: int, clients: int, total: int, walk) -> Load:  # noqa: ANN001
    return run_phase(list(range(total)), clients, _walker(port, walk))


def _walker(port: int, walk):  # noqa: ANN001, ANN202
    def one(number: int, timings: dict[str, list[float]]):  # noqa: ANN202
        client = Client(port, number, timings)
        try:
            return walk(client)
        finally:
            client.close()

    return one


def run_submissions(port: int, clients: int, total: int, prepare, send) -> tuple[Load, Load]:  # noqa: ANN001
    """Each of `total` people gets as far as the last step (`prepare`, not timed as the
    figure), then all of them send it (`send`, timed): the submission alone."""
    prepared = run_phase(list(range(total)), clients, _preparer(port, prepare))

    def one(item, timings: dict[str, list[float]]):  # noqa: ANN001, ANN202
        client, ready = item
        client.timings = timings
        client.reconnect()
        try:
            return send(client, ready)
        finally:
            client.close()

    return prepared, run_phase(prepared.completed, clients, one)


def _preparer(port: int, prepare):  # noqa: ANN001, ANN202
    def one(number: int, timings: dict[str, list[float]]):  # noqa: ANN202
        client = Client(port, number, timings)
        ready = prepare(client)
        client.close()
        return client, ready

    return one


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "count": len(values)}


# --- the server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment(directory: Path, database_url: str) -> dict[str, str]:
    from haven.ledger.note import generate_signer

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url,
        "HAVEN_DATA_DIR": str(directory / "data"),
        "HAVEN_KEY_DIR": str(directory / "keys"),
        "HAVEN_SECRET_KEY": secrets.token_urlsafe(50),
        "HAVEN_LEDGER_SIGNING_KEY": generate_signer("haven.bench/ledger").to_skey(),
        "HAVEN_PSEUDONYM_KEY": secrets.token_hex(32),
        "HAVEN_RECEIPT_SIGNING_KEY": generate_signer("haven.bench/receipts").to_skey(),
    }
    env.pop("HAVEN_DEBUG", None)
    return env


def haven(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "haven.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@contextmanager
def server(env: dict[str, str], workers: int, threads: int) -> Iterator[int]:
    migrated = haven(["migrate"], env)
    if migrated.returncode != 0:
        raise RuntimeError(f"haven migrate failed: {migrated.stderr.strip()[-500:]}")
    port = free_port()
    log = Path(env["HAVEN_DATA_DIR"]).parent / "serve.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(  # noqa: S603 - our own command
            [
                sys.executable,
                "-m",
                "haven.cli",
                "serve",
                "--port",
                str(port),
                "--behind-proxy",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"haven serve exited: {log.read_text()[-500:]}")
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("haven serve did not start listening") from None
                    time.sleep(0.2)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def retrieve(env: dict[str, str], receipts: list[tuple[str, str]]) -> list[str]:
    """The references whose receipt code does not lead back to them (in a Django process).

    A made-up code goes along as a control: the check must call it lost, or it proves
    nothing.
    """
    control = (
        "HVN-CTRL-CTRL",
        "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(16)),
    )
    done = subprocess.run(  # noqa: S603 - this script, as the checker
        [sys.executable, __file__, "--check-receipts"],
        env=env,
        input=json.dumps([*receipts, control]),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the receipt check failed: {done.stderr.strip()[-500:]}")
    lost = json.loads(done.stdout)
    if control[0] not in lost:
        raise RuntimeError("the receipt check found a made-up code: it cannot be trusted")
    return [reference for reference in lost if reference != control[0]]


def check_receipts() -> int:
    """stdin: [[reference, code], …]; stdout: the references not found by their code."""
    import django

    django.setup()
    from haven.web.portal.selectors import receipt_code_find

    lost = []
    for reference, code in json.load(sys.stdin):
        receipt = receipt_code_find(text=code)
        if receipt is None or receipt.report.reference != reference:
            lost.append(reference)
    json.dump(lost, sys.stdout)
    return 0


def _rate(load: Load) -> float:
    return (
        len(load.completed if load.completed else load.walks) / load.seconds
        if load.seconds
        else 0.0
    )


def _requests(load: Load) -> list[float]:
    return [t for values in load.timings.values() for t in values]


def bench_database(database_url: str, args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="haven-bench-portal-") as directory:
        env = production_environment(Path(directory), database_url.replace("DIR", directory))
        with server(env, args.workers, args.threads) as port:
            base = f"http://127.0.0.1:{port}"
            start, plain = f"{base}/report/", f"{base}/bench/plain/"
            warm = min(args.clients, 4)
            # Warm every worker (imports, templates, keys) before timing anything.
            run_walks(port, warm, warm, lambda c: report_walk(c, start))
            run_walks(port, warm, warm, lambda c: plain_walk(c, plain))
            # Whole walks: every page of the flow, as people use it.
            portal = run_walks(port, args.clients, args.reports, lambda c: report_walk(c, start))
            peer = run_walks(port, args.clients, args.plain, lambda c: plain_walk(c, plain))
            # The submission alone: everyone at the last step, then all send at once.
            portal_prepared, portal_sends = run_submissions(
                port,
                args.clients,
                args.reports,
                lambda c: report_walk(c, start, stop_at_check=True),
                report_send,
            )
            _, plain_sends = run_submissions(
                port, args.clients, args.plain, lambda c: plain_prepare(c, plain), plain_send
            )
        acknowledged = portal.completed + portal_sends.completed
        lost = retrieve(env, acknowledged) if acknowledged else []
    walk_rate, plain_walk_rate = len(portal.completed) / portal.seconds, _rate(peer)
    send_rate, plain_send_rate = (
        len(portal_sends.completed) / portal_sends.seconds,
        _rate(plain_sends),
    )
    portal_requests, plain_requests = _requests(portal), _requests(peer)
    send_ratio = send_rate / plain_send_rate if plain_send_rate else 0.0
    walk_ratio = walk_rate / plain_walk_rate if plain_walk_rate else 0.0
    p99 = max(
        percentiles(portal_requests).get("p99_ms", 0.0),
        percentiles(portal_sends.walks).get("p99_ms", 0.0),
    )
    failures = portal.failures + portal_prepared.failures + portal_sends.failures
    return {
        "portal": {
            "submissions": len(acknowledged),
            "failed_walks": len(failures),
            "failures_sample": sorted(set(failures))[:5],
            "whole_walks_per_second": round(walk_rate, 2),
            "submissions_per_second": round(send_rate, 2),
            "requests_per_second": round(len(portal_requests) / portal.seconds, 1),
            "requests_per_walk": round(len(portal_requests) / max(1, len(portal.walks)), 1),
            "whole_walk": percentiles(portal.walks),
            "submission": percentiles(portal_sends.walks),
            "each_request": percentiles(portal_requests),
            "by_page": {n: percentiles(v) for n, v in sorted(portal.timings.items())},
        },
        "plain_form": {
            "submissions": len(peer.walks) + len(plain_sends.walks),
            "failed_walks": len(peer.failures) + len(plain_sends.failures),
            "whole_walks_per_second": round(plain_walk_rate, 2),
            "submissions_per_second": round(plain_send_rate, 2),
            "requests_per_second": round(len(plain_requests) / peer.seconds, 1),
            "whole_walk": percentiles(peer.walks),
            "submission": percentiles(plain_sends.walks),
            "each_request": percentiles(plain_requests),
        },
        "ratio_submissions": round(send_ratio, 3),
        "ratio_whole_walks": round(walk_ratio, 3),
        "lost_reports": len(lost),
        "lost_references": lost[:10],
        "targets": {
            "half_the_plain_form_throughput": send_ratio >= 0.5,
            "p99_request_at_most_300_ms": p99 <= 300,
            "zero_lost_reports": not lost,
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--reports", type=int, default=320, help="portal submissions per database")
    parser.add_argument(
        "--plain", type=int, default=640, help="plain form submissions per database"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (haven serve)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--check-receipts", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # The 32 clients are threads of this one process: a thread whose response has come
    # should stop its clock within half a millisecond, not Python's default 5 ms.
    sys.setswitchinterval(0.0005)
    if args.check_receipts:
        return check_receipts()
    databases = args.databases.split(",")
    results: dict = {
        "benchmark": "portal",
        "clients": args.clients,
        "server": f"haven serve (gunicorn gthread), {args.workers} workers x {args.threads} threads",
    }
    if "sqlite" in databases:
        results["sqlite"] = bench_database("sqlite:///DIR/bench.sqlite3", args)
    if "postgresql" in databases:
        try:
            with throwaway_database("haven_bench_portal") as url:
                results["postgresql"] = bench_database(url, args)
        except PostgresUnavailable as error:
            results["postgresql"] = {"skipped": str(error)}
    json.dump(results, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
