"""Every Excel download of every page (issue 11, acceptance 3): crawl the real app as each role —
under the statistical purpose, and the caseworker and the solution leader also under casework with
a basis recorded for solution 1 and for one citizen — from the navigation along every same-site
link (GET only, never a form, never «Log ud»), download every Excel link the pages offer and read
each file back (python-calamine for the values, the parts for formats and charts): one workbook,
months as real dates shown «mmm yyyy» (no month, date or «3 af 12» as text), a native chart (``xl/charts/chart*.xml`` over the sheet's
cells) wherever the page draws one and never a picture (``xl/media/``), a Danish file name, and a
page with several tables offers them as one workbook with a sheet per table.

Over the hand-made selection municipality (``tests/fixtures/selection``: 2025's postings), with
the test rule sets imported and every citizen enrolled in solution 1 from 1 July 2025, so that the
solution's economy page, its enrolled list and the rule statistics have figures (and charts).
"""

from __future__ import annotations

import html
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit

import pytest
from fastapi import FastAPI

from tvaers.store.models import LegalBasis, SelectionBasis

from .conftest import ROLES, client_for, seeded_app
from .test_web_selection import ALL_ACTIVE, ANNA, FAMILIES, SOLUTION, XLSX, _import, _pseudonyms
from .workbooks import Book, read_workbook

ENROLLED_ON = date(2025, 7, 1)
ACTORS = [(role, "statistical") for role in ROLES] + [
    ("caseworker", "casework"),
    ("solution_leader", "casework"),
]
HREF = re.compile(r'\shref="([^"]+)"')
CHART = re.compile(r'data-chart="[^"]+"')
EXCEL = re.compile(r'href="([^"]*format=xlsx[^"]*)"')
ENGLISH = re.compile(  # words of the glossary's English that a file name should say in Danish
    r"(?i)\b(tables?|export|download|report|sheet|by|age|benefit|areas?|size|funnel|what|"
    r"history|members|draw|family|cost|candidates?)\b"
)
# pages that draw a chart in this municipality: each must have been downloaded with it native
CHART_PAGES = (
    "/data",
    "/ressourcetraek",
    "/ressourcetraek/familie/",
    f"/loesninger/{SOLUTION}/oekonomi",
    "/maalgrupper/alle_aktive",
)
AT_LEAST = {"pages": 80, "workbooks": 60, "with charts": 5}  # the crawl really went somewhere


@pytest.fixture
def app(sqlite_settings) -> FastAPI:
    """The app with one user per role, the example solutions, the selection municipality, the
    test rule sets, everyone enrolled in solution 1 from 1 July 2025, a selection basis for
    solution 1 and a citizen basis for Anna (whose page links her family)."""
    from tvaers.selection import decisions

    web = seeded_app(sqlite_settings, "selection")
    for text in (ALL_ACTIVE, FAMILIES):
        assert _import(web, text).status_code == 303
    with web.state.sessions() as session:
        for subject in sorted(_pseudonyms(web)):
            decisions.assess(session, SOLUTION, "citizen", subject, "accepted", "high", "high",
                             None, "caseworker", "Hjemmel", enrol_on=ENROLLED_ON,
                             assessed_on=ENROLLED_ON)  # fmt: skip
        session.add(LegalBasis(citizen=ANNA, kind="consent", reference="Samtykke 1-3-2025",
                               valid_from=date(2025, 3, 1), recorded_by="test"))  # fmt: skip
        session.add(SelectionBasis(solution_id=SOLUTION, kind="legal_basis",
                                   reference="Rsl. § 11 c", valid_from=date(2025, 1, 1),
                                   recorded_by="test"))  # fmt: skip
        session.commit()
    yield web
    web.state.engine.dispose()


def _same_site(base: str, href: str) -> str | None:
    """``href`` as a path and query on this site, or None (elsewhere, static, a fragment)."""
    full = urlsplit(urljoin("https://testserver" + base, html.unescape(href)))
    if full.netloc != "testserver" or full.path.startswith("/static") or full.path == "/log-ud":
        return None
    return full.path + (f"?{full.query}" if full.query else "")


class _GetForms(HTMLParser):
    """The page's GET forms as a browser would submit them untouched: each field's value as
    shown (the selected option, or the first; ticked boxes only), to the form's action."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "get":
            self._fields = []
            self.forms.append((a.get("action", ""), self._fields))
        elif self._fields is None or tag not in ("input", "select", "option"):
            return
        elif tag == "input" and a.get("name") and a.get("type") != "submit":
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self._fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = (a.get("name", ""), [])
        elif tag == "option" and self._select is not None:
            self._select[1].append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select" and self._select is not None and self._fields is not None:
            name, options = self._select
            chosen = [v for v, selected in options if selected] or [v for v, _ in options[:1]]
            self._fields.extend((name, v) for v in chosen)
            self._select = None


def _get_forms(page: str) -> list[str]:
    """Where the page's GET forms lead when submitted as they stand (a year, a rule set)."""
    parser = _GetForms()
    parser.feed(page)
    return [f"{action}{'&' if '?' in action else '?'}{urlencode(fields)}"
            for action, fields in parser.forms]  # fmt: skip


def _key(purpose: str, url: str) -> tuple[str, str, tuple[str, ...], str]:
    """Downloads that are the same workbook but for a sort order, a date or a year: one check."""
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    return purpose, parts.path, tuple(sorted(params)), params.get("table", "")


def _read(url: str, response) -> Book:  # type: ignore[no-untyped-def]
    """A download: status, type, a Danish file name, then the workbook itself."""
    if response.status_code != 200:
        return Book(url, problems=[f"status {response.status_code}"])
    book = read_workbook(url, response.content)
    if response.headers.get("content-type") != XLSX:
        book.problems.append(f"content type {response.headers.get('content-type')}")
    disposition = response.headers.get("content-disposition", "")
    name = unquote(re.sub(r'.*filename(\*=utf-8\'\'|=")([^"]+)"?$', r"\2", disposition))
    if not disposition.startswith("attachment") or not name.endswith(".xlsx"):
        book.problems.append(f"no xlsx attachment: {disposition!r}")
    elif name in ("tabel.xlsx", ".xlsx") or ENGLISH.search(name):
        book.problems.append(f"file name not Danish: {name!r}")
    book.name = name
    return book


@dataclass
class Crawl:
    pages: dict[tuple[str, str], int] = field(default_factory=dict)  # (actor, url) -> status
    books: dict[tuple[str, str, tuple[str, ...], str], Book] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # a page's problem -> who saw it
    chart_pages: set[str] = field(default_factory=set)  # pages whose chart Excel had native


def _excel_links(page: str) -> list[tuple[str, int]]:
    """The page's Excel links, each with how many charts are drawn since the previous one (a
    chart stands just above the table it goes with)."""
    found, last = [], 0
    for match in EXCEL.finditer(page):
        found.append((match.group(1), len(CHART.findall(page, last, match.start()))))
        last = match.end()
    return found


def _check_page(crawl: Crawl, actor: str, url: str, page: str, client) -> None:  # type: ignore[no-untyped-def]
    """Download the page's Excel links (each workbook once per purpose) and check that the page
    is one workbook with a sheet per table and its charts native."""
    purpose = actor.split("/")[1]
    links = []
    for href, charts in _excel_links(page):
        target = _same_site(url, href)
        assert target is not None, href
        key = _key(purpose, target)
        if key not in crawl.books:
            crawl.books[key] = _read(target, client.get(target))
        links.append((target, key, charts))
    if not links:
        return
    drawn = len(CHART.findall(page))
    whole = [key for _, key, _ in links if key[3] == ""]
    tables = {key[3] for _, key, _ in links if key[3]}
    found: list[str] = []
    if len({key for _, key, _ in links}) > 1 and not whole:
        found.append(f"{len(tables)} tables as separate files, no workbook of the page")
    for key in whole:
        book = crawl.books[key]
        if book.sheets < len(tables):
            found.append(f"the workbook has {book.sheets} sheets for {len(tables)} tables")
        if book.charts < drawn:
            found.append(f"the page draws {drawn} charts, {book.url} has {book.charts}")
    for target, key, charts in links:
        if key[3] and charts and not crawl.books[key].charts:
            found.append(f"{target} lacks the chart drawn above its table")
    for problem in found:
        crawl.problems.setdefault(f"{urlsplit(url).path}: {problem}", actor)
    if drawn and not found:
        crawl.chart_pages.add(urlsplit(url).path)


def _crawl(app: FastAPI, crawl: Crawl, role: str, purpose: str) -> None:
    client = client_for(app, role, purpose)
    actor = f"{role}/{purpose}"
    start = ["/"] + ([f"/borgere/{ANNA}"] if purpose == "casework" else [])
    queue, seen = deque(start), set(start)
    while queue:
        url = queue.popleft()
        response = client.get(url)
        crawl.pages[(actor, url)] = response.status_code
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        if response.status_code == 200:
            _check_page(crawl, actor, url, response.text, client)
        for href in HREF.findall(response.text) + _get_forms(response.text):
            target = _same_site(url, href)
            if target is None or "format=xlsx" in target or target in seen:
                continue
            seen.add(target)
            queue.append(target)


def test_every_excel_download_of_every_page_is_one_workbook_with_dates_and_native_charts(
    app: FastAPI,
) -> None:
    crawl = Crawl()
    for role, purpose in ACTORS:
        _crawl(app, crawl, role, purpose)
    print(f"\n{len(crawl.pages)} page visits ({len({u for _, u in crawl.pages})} pages):")
    for (actor, url), status in sorted(crawl.pages.items()):
        print(f"  {status} {actor} {url}")
    print(f"{len(crawl.books)} workbooks read:")
    for key, book in sorted(crawl.books.items()):
        print(f"  {key[0]} {book.url} -> {book.name}: {book.sheets} sheets, {book.charts} charts, "
              f"{book.months} month dates{', ' + '; '.join(book.problems) if book.problems else ''}")  # fmt: skip
    problems = [f"{problem} (as {actor})" for problem, actor in crawl.problems.items()] + [
        f"{key[0]} {book.url}: {problem}"
        for key, book in sorted(crawl.books.items())
        for problem in book.problems
    ]
    assert not problems, "\n".join(problems)
    found = {
        "pages": len({url for _, url in crawl.pages}),
        "workbooks": len(crawl.books),
        "with charts": sum(1 for book in crawl.books.values() if book.charts),
    }
    assert all(found[k] >= n for k, n in AT_LEAST.items()), found
    missing = [p for p in CHART_PAGES if not any(q.startswith(p) for q in crawl.chart_pages)]
    assert not missing, f"pages with a chart not reached or not native: {missing}"
    assert sum(book.months for book in crawl.books.values()) > 0  # month columns were read
    server_errors = {k: s for k, s in crawl.pages.items() if s >= 500}
    assert not server_errors, server_errors
