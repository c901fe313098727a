"""Benchmark of the web app under many users: p50/p95 per page at S and M (issue 11 #2).

For each size a home is made once with ``tvaers demo --no-serve`` (the synthetic municipality,
imported; the example solutions; Furesø's target group enrolled in the Furesø solution) and one
user per role. The server runs as in production, in its own process (``tvaers serve``, the cache
warmer on); the visitors run in this process and send requests only to it on 127.0.0.1.

1. warm-up: every page of every role is opened until it shows its figures (not 202);
2. ``--clients`` signed-in people (the six roles in turn, the caseworker under the casework
   purpose) open their pages one after another for ``--seconds``;
3. baseline, same run: as many clients fetch a static file (the style sheet) from the same
   server for as long — what the server and the machine give with no work behind a page.

Prints one JSON object per size: per page requests, p50 and p95 seconds and statuses; the
baseline's p50/p95; each page's p95 as a multiple of the baseline's; the server's peak memory
(VmHWM) and the citizens in the data.

    .venv/bin/python benchmarks/web.py [--sizes S,M] [--workdir DIR] [--clients 20] [--seconds 60]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import httpx2 as httpx  # noqa: E402
from tests.load import PAGES, Visit, Visitor, percentiles, run_visitors  # noqa: E402

KEY = "benchmark-key-0123456789abcdef0123"
SIZES = {"S": 27_500, "M": 63_000}
USERS = """
from sqlalchemy import select
from tests.browser.live import PASSWORD, PEOPLE
from tvaers.core.config import get_settings
from tvaers.store import users
from tvaers.store.database import make_engine, sessions
from tvaers.store.models import Solution
engine = make_engine(get_settings().store_url)
with sessions(engine)() as session:
    for person in PEOPLE.values():
        try:
            users.add(session, person.username, person.full_name, person.role, PASSWORD)
        except users.UserError:
            users.set_password(session, person.username, PASSWORD, actor="benchmark")
            users.unlock(session, person.username, actor="benchmark")
    session.commit()
    furesoe = select(Solution.id).where(Solution.name == "Tværgående løsning i Furesø")
    print(session.scalars(furesoe).first())
"""


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "TVAERS_HOME": str(home), "TVAERS_PSEUDONYM_KEY": KEY,
            "TVAERS_LOG_LEVEL": "WARNING", "TVAERS_COOKIE_SECURE": "false",
            "PYTHONPATH": str(ROOT)}  # fmt: skip


def prepare(size: str, workdir: Path) -> tuple[dict[str, str], int]:
    """The size's home (made once) and the id of the solution with enrolled members."""
    home = workdir / f"web-{size}-home"
    env = _env(home)
    tvaers = str(Path(sys.executable).parent / "tvaers")
    if not (home / "analyse.duckdb").exists():
        argv = [tvaers, "demo", "--no-serve", "--citizens", str(SIZES[size])]
        done = subprocess.run(argv, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"tvaers demo fejlede:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    found = subprocess.run([sys.executable, "-c", USERS], env=env, capture_output=True,
                           text=True, check=True)  # fmt: skip
    return env, int(found.stdout.strip().splitlines()[-1])


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    tvaers = str(Path(sys.executable).parent / "tvaers")
    server = subprocess.Popen([tvaers, "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _attempt in range(600):
        try:
            if httpx.get(f"{url}/log-ind", timeout=5).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("Serveren startede ikke")


def warm_up(url: str, solution: int) -> float:
    """Open every page until it shows its figures; the seconds it took."""
    began = time.monotonic()
    for role, pages in PAGES.items():
        visitor = Visitor(url, role, solution)
        with httpx.Client(base_url=url, timeout=600) as client:
            visitor.sign_in(client)
            for page in (p.format(solution=solution) for p in pages):
                for _attempt in range(1200):
                    if client.get(page).status_code != 202:
                        break
                    time.sleep(0.5)
    return time.monotonic() - began


def baseline(url: str, clients: int, seconds: float) -> list[Visit]:
    """Clients fetching the style sheet: the server with no work behind the page."""
    import threading

    visits: list[Visit] = []
    deadline = time.monotonic() + seconds

    def fetch() -> None:
        with httpx.Client(base_url=url, timeout=120) as client:
            while time.monotonic() < deadline:
                began = time.perf_counter()
                answer = client.get("/static/css/tvaers.css")
                visits.append(Visit("static", answer.status_code, time.perf_counter() - began, ""))

    threads = [threading.Thread(target=fetch) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return visits


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="S,M")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tvaers-web-bench-"))
    for size in args.sizes.split(","):
        env, solution = prepare(size, workdir)
        server, url = _serve(env)
        try:
            warmed = warm_up(url, solution)
            visitors = run_visitors(url, args.clients, args.seconds, solution)
            plain = percentiles(baseline(url, args.clients, args.seconds))["static"]
            peak = _peak_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
        pages = percentiles([v for visitor in visitors for v in visitor.visits])
        for figures in pages.values():
            figures["p95_vs_baseline"] = round(figures["p95"] / max(plain["p95"], 1e-6), 1)
        print(json.dumps({
            "size": size, "citizens": SIZES[size], "clients": args.clients,
            "seconds": args.seconds, "warm_up_seconds": round(warmed, 1),
            "server_peak_memory_mb": peak, "baseline_static_file": plain,
            "worst_p95": max(f["p95"] for f in pages.values()), "pages": pages,
            "errors": [e for visitor in visitors for e in visitor.errors][:10],
        }, ensure_ascii=False), flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
