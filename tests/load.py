"""Many people at once against a live server (issue 11 #2): the load test's and the web
benchmark's visitors.

Each :class:`Visitor` signs in as one role (under the casework purpose where the role works with
cases), then opens that role's pages one after another until the deadline, recording status
and seconds per request. Traffic goes only to the loopback server the caller started.
"""

from __future__ import annotations

import re
import statistics
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx

from tests.browser.live import PASSWORD, PEOPLE

# The main pages of each role's day (the rule sets exist in every seeded home; ``{solution}``:
# the solution whose members are enrolled).
PAGES: dict[str, tuple[str, ...]] = {
    "finance_consultant": ("/", "/ressourcetraek", "/maalgrupper", "/maalgrupper/furesoe",
                           "/data", "/loesninger"),
    "analyst": ("/ressourcetraek", "/maalgrupper", "/maalgrupper/kl_udsatte_unge",
                "/fokuspunkter"),
    "solution_leader": ("/loesninger", "/loesninger/{solution}", "/loesninger/{solution}/oekonomi",
                        "/maalgrupper/furesoe"),
    "area_chief": ("/", "/ressourcetraek", "/loesninger/{solution}/oekonomi", "/fokuspunkter/4"),
    "caseworker": ("/borgere", "/loesninger", "/maalgrupper"),
    "administrator": ("/admin/log", "/admin/brugere", "/data"),
}  # fmt: skip
PURPOSE = {"caseworker": "casework"}
ROLES = tuple(PAGES)


@dataclass
class Visit:
    page: str
    status: int
    seconds: float
    role: str


@dataclass
class Visitor:
    """One signed-in person opening their pages until ``deadline``."""

    url: str
    role: str
    solution: int = 1
    visits: list[Visit] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def sign_in(self, client: httpx.Client) -> None:
        page = client.get("/log-ind")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token, page.text[:300]
        signed = client.post("/log-ind", data={
            "username": PEOPLE[self.role].username, "password": PASSWORD,
            "csrf_token": token.group(1), "next": "/",
        }, follow_redirects=True)  # fmt: skip
        fresh = re.search(r'name="csrf-token" content="([^"]+)"', signed.text)
        assert signed.status_code == 200 and fresh, signed.text[:300]
        client.headers["X-CSRF-Token"] = fresh.group(1)
        if self.role in PURPOSE:
            client.post("/formaal", data={"purpose": PURPOSE[self.role]})

    def signed_in(self) -> httpx.Client | None:
        """A client signed in as the role's user (``None``, and the error noted, if refused)."""
        client = httpx.Client(base_url=self.url, timeout=120.0)
        try:
            self.sign_in(client)
        except (AssertionError, httpx.HTTPError) as exc:
            self.errors.append(f"log ind: {str(exc)[:200]}")
            client.close()
            return None
        return client

    def run(self, client: httpx.Client | None, deadline: float, start: int = 0) -> None:
        if client is None:
            return
        pages = [page.format(solution=self.solution) for page in PAGES[self.role]]
        index = start
        try:
            while time.monotonic() < deadline:
                page = pages[index % len(pages)]
                index += 1
                began = time.perf_counter()
                try:
                    answer = client.get(page)
                except httpx.HTTPError as exc:
                    self.errors.append(f"{page}: {exc!r}")
                    continue
                seconds = time.perf_counter() - began
                self.visits.append(Visit(page, answer.status_code, seconds, self.role))
        finally:
            client.close()


def run_visitors(url: str, clients: int, seconds: float, solution: int = 1) -> list[Visitor]:
    """``clients`` visitors (the roles in turn) for ``seconds``; returns them when all are done."""
    visitors = [Visitor(url, ROLES[i % len(ROLES)], solution) for i in range(clients)]
    # one after another: several sign-ins of one account at the same instant count as failed
    # attempts until checked, and a fourth locks it (store.users.authenticate)
    signed = [visitor.signed_in() for visitor in visitors]
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=v.run, args=(client, deadline, i), daemon=True)
               for i, (v, client) in enumerate(zip(visitors, signed, strict=True))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 300)
    return visitors


def percentiles(visits: list[Visit]) -> dict[str, dict[str, Any]]:
    """Per page: count, p50 and p95 seconds, and the statuses seen."""
    by_page: dict[str, list[Visit]] = defaultdict(list)
    for visit in visits:
        by_page[visit.page].append(visit)
    report = {}
    for page, found in sorted(by_page.items()):
        times = sorted(v.seconds for v in found)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        report[page] = {
            "requests": len(found),
            "p50": round(statistics.median(times), 3),
            "p95": round(p95, 3),
            "statuses": dict(sorted({s: sum(v.status == s for v in found)
                                     for s in {v.status for v in found}}.items())),
        }  # fmt: skip
    return report
