"""A page's changes are committed before its response leaves the server.

The browser follows a 303 at once; if the POST's transaction is still open then, the next page
shows stale data (the reflection badge stays at «0 af 12») or «Siden findes ikke.» right after a
solution was created. Checked at the ASGI level, without timing luck: when the redirect's first
byte is sent, another database session must already see the new solution.
"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.browser import live
from tvaers.store.models import Solution

pytestmark = pytest.mark.browser


class Client:
    """Just enough of a browser to call the ASGI app directly: one cookie, the CSRF token."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.cookie = ""
        self.csrf = ""

    async def request(
        self, method: str, path: str, form: dict[str, str] | None = None, on_start: Any = None
    ) -> tuple[int, dict[str, str], str]:
        body = urlencode(form or {}).encode()
        headers = [(b"host", b"tvaers.test")]
        if form is not None:
            headers.append((b"content-type", b"application/x-www-form-urlencoded"))
        if self.cookie:
            headers.append((b"cookie", self.cookie.encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "https",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("tvaers.test", 443),
        }
        done = asyncio.Event()
        delivered = False
        status = 0
        answer: dict[str, str] = {}
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                for key, value in message.get("headers", []):
                    answer[key.decode().lower()] = value.decode()
                if on_start is not None:
                    on_start(status, answer)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    done.set()

        await self.app(scope, receive, send)
        if "set-cookie" in answer:
            self.cookie = answer["set-cookie"].split(";", 1)[0]
        text = b"".join(chunks).decode("utf-8", "replace")
        found = re.search(r'name="csrf_token" value="([^"]+)"', text)
        if found:
            self.csrf = found.group(1)
        return status, answer, text


def test_a_new_solution_is_committed_before_the_redirect_is_sent(app: Any) -> None:
    seen: list[bool] = []

    def visible_now(status: int, headers: dict[str, str]) -> None:
        if status == 303 and re.fullmatch(r"/loesninger/\d+", headers.get("location", "")):
            solution_id = int(headers["location"].rsplit("/", 1)[1])
            with app.state.sessions() as other:
                seen.append(other.get(Solution, solution_id) is not None)

    async def flow() -> None:
        client = Client(app)
        await client.request("GET", "/log-ind")
        person = live.PEOPLE["solution_leader"]
        status, headers, _ = await client.request(
            "POST",
            "/log-ind",
            {"username": person.username, "password": live.PASSWORD, "next": "/",
             "csrf_token": client.csrf},
        )  # fmt: skip
        assert (status, headers.get("location")) == (303, "/")
        await client.request("GET", "/loesninger/ny")
        status, _, _ = await client.request(
            "POST",
            "/loesninger/ny",
            {"name": "Committet før svaret", "csrf_token": client.csrf},
            on_start=visible_now,
        )
        assert status == 303

    # In a thread of its own: Playwright's sync API may already run an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, flow()).result(timeout=60)
    assert seen == [True], "Løsningen var ikke gemt, da omdirigeringen blev sendt"
