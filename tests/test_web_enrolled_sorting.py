"""The enrolled list sorted (issue 11 #6): by the column headers, server-side, before paging,
keeping the search and ``vis``; the Excel download sorted the same way; an unknown sort word is
ignored. Over the selection municipality of :mod:`tests.test_web_selection` (its fixtures)."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

from fastapi import FastAPI

from tvaers.draw import solution_economy
from tvaers.selection import decisions

from . import test_web_selection as selection_tests
from .test_web_selection import SOLUTION, _pseudonyms, _with_basis

web = selection_tests.web  # the selection municipality and its rule sets, as pytest fixtures
rules = selection_tests.rules
BASE = f"/loesninger/{SOLUTION}/indskrevne"


def _enrol_everybody(app: FastAPI) -> dict[str, Decimal]:
    """22 citizens enrolled 1 March 2025; 10 of them discharged 1 April and enrolled again
    1 May: 32 periods. Returns each open period's draw since enrolment by subject."""
    everybody = sorted(_pseudonyms(app))
    with app.state.sessions() as session:
        for subject in everybody:
            decisions.assess(session, SOLUTION, "citizen", subject, "accepted", "high", "high",
                             None, "caseworker", "Hjemmel", enrol_on=date(2025, 3, 1),
                             assessed_on=date(2025, 3, 1))  # fmt: skip
        for subject in everybody[:10]:
            decisions.discharge(session, SOLUTION, "citizen", subject, date(2025, 4, 1),
                                "Flyttet", "caseworker", "Hjemmel")  # fmt: skip
            decisions.assess(session, SOLUTION, "citizen", subject, "accepted", "high", "high",
                             None, "caseworker", "Hjemmel", enrol_on=date(2025, 5, 1),
                             assessed_on=date(2025, 5, 1))  # fmt: skip
        session.commit()
        periods = decisions.enrolments(session, SOLUTION)
    costs = solution_economy.member_costs(app.state.settings, periods)
    return {p.subject: costs[p.id].since for p in periods if p.discharged_on is None}


def _ticked(html: str) -> list[str]:
    """The subjects of the open rows, in the order the page lists them."""
    return re.findall(r'name="valgt" value="citizen:([^"]+)"', html)


def _header(html: str, label: str) -> str:
    """The ``<th>`` of the column headed ``label``."""
    found = re.search(rf'<th scope="col"[^>]*>(?:(?!</th>).)*?{label}(?:(?!</th>).)*?</th>', html)
    assert found, label
    return found.group(0)


def test_sorting_by_draw_since_enrolment_puts_the_largest_first(rules: FastAPI) -> None:
    since = _enrol_everybody(rules)
    assert len(set(since.values())) > 3  # the order is something to get right
    client = _with_basis(rules)
    default = _ticked(client.get(BASE).text)
    page = client.get(f"{BASE}?sorter=traek&orden=faldende")
    assert page.status_code == 200
    shown = _ticked(page.text)
    assert len(shown) == 22 and shown != default
    draws = [since[s] for s in shown]
    assert draws == sorted(draws, reverse=True) and draws[0] == max(since.values())
    # the header says how it is sorted and offers the other way; the others offer ascending
    header = _header(page.text, "Træk siden indskrivning")
    assert 'aria-sort="descending"' in header and "sorter=traek" in header
    assert "orden=" not in header and "sortér stigende" in header
    assert page.text.count("aria-sort=") == 1
    subject = _header(page.text, "Borger/familie")
    assert "aria-sort" not in subject and "sorter=borger" in subject
    ascending = _ticked(client.get(f"{BASE}?sorter=traek").text)
    assert [since[s] for s in ascending] == sorted(draws)
    # the Excel download: the whole list in the same order
    from python_calamine import CalamineWorkbook

    book = client.get(f"{BASE}?format=xlsx&table=enrolled&sorter=traek&orden=faldende")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(book.content)).get_sheet_by_index(0)
    cells = rows.to_python()
    at = next(i for i, r in enumerate(cells) if "Træk siden indskrivning" in r)
    column = cells[at].index("Træk siden indskrivning")
    listed = [r[column] for r in cells[at + 1 :] if isinstance(r[column], int | float)]
    assert len(listed) == 32  # every period, not only the page's
    assert listed == sorted(listed, reverse=True) and listed[0] == float(draws[0])


def test_sorting_keeps_the_search_and_the_paging(rules: FastAPI) -> None:
    since = _enrol_everybody(rules)
    client = _with_basis(rules)
    # by discharge date, all periods: the 10 discharged first, the open ones (no date) after —
    # so page 2 holds 7 open rows, where the unsorted list has none
    second = client.get(f"{BASE}?vis=alle&sorter=udskrevet&side=2")
    assert "32 forløb fundet; side 2 af 2" in second.text
    assert len(_ticked(second.text)) == 7
    assert 'aria-sort="ascending"' in _header(second.text, "Udskrevet fra")
    back = re.search(r'href="(\?[^"]*)">Forrige side', second.text)
    assert back and "vis=alle" in back.group(1) and "sorter=udskrevet" in back.group(1)
    first = client.get(f"{BASE}{back.group(1).replace('&amp;', '&')}")
    assert "side 1 af 2" in first.text and len(_ticked(first.text)) == 15
    # a search: only the matching, in the order asked for; the headers keep the search
    letter = max("0123456789abcdef", key=lambda c: min(
        sum(c in s for s in since), sum(c not in s for s in since)))  # fmt: skip
    matching = [s for s in since if letter in s]
    searched = client.get(f"{BASE}?q={letter}&sorter=traek&orden=faldende")
    assert f"{len(matching)} forløb fundet" in searched.text
    shown = _ticked(searched.text)
    assert sorted(shown) == sorted(matching)
    assert [since[s] for s in shown] == sorted((since[s] for s in matching), reverse=True)
    assert f"q={letter}" in _header(searched.text, "Indskrevet fra")
    # the search form keeps the sorting
    assert '<input type="hidden" name="sorter" value="traek">' in searched.text
    assert '<input type="hidden" name="orden" value="faldende">' in searched.text


def test_an_unknown_sort_word_is_ignored(rules: FastAPI) -> None:
    _enrol_everybody(rules)
    client = _with_basis(rules)
    default = client.get(BASE)
    for query in ("sorter=hemmelig&orden=faldende", "sorter=&orden=op", "sorter=id",
                  "sorter=open", "sorter=traek%27%3E&side=x"):  # fmt: skip
        page = client.get(f"{BASE}?{query}")
        assert page.status_code == 200, query
        assert _ticked(page.text) == _ticked(default.text) and "aria-sort=" not in page.text
    book = client.get(f"{BASE}?format=xlsx&table=enrolled&sorter=hemmelig")
    assert book.status_code == 200
