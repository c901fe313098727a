"""Bad input on the requirement's and the settlement's pages (issue 13; review of focus point
5): an amount of 30–40 digits is a Danish 422, never a 500; a year in the address that is no
year is refused with nothing saved, never quietly saved for another year; the messages name
what the page shows (the area's Danish name, the rules' and the harvests' labels), never an
internal code."""

from __future__ import annotations

from sqlalchemy import func, select

from tvaers.store.models_budget import EfficiencyRequirement, SettlementRecord

from .conftest import client_for
from .test_budget_settlement import YEAR
from .test_web_settlement import _text, town  # noqa: F401 - the synthetic town, a fixture

HUGE = "9" * 40
REQUIREMENT = {"amount": "1.500.000", "rule": "solution", "harvest": "upfront"}


def _count(app, model) -> int:  # type: ignore[no-untyped-def]
    with app.state.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_huge_amounts_are_refused_in_danish(town) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    app, solution = town
    finance = client_for(app, "finance_consultant")
    url = f"/loesninger/{solution}/effektiviseringskrav?aar={YEAR}"
    for typed in ({"amount": HUGE}, {"amount": "9" * 30},
                  {"rule": "expected_gain", "gain-0": "9" * 30}):  # fmt: skip
        bad = finance.post(url, data={**REQUIREMENT, **typed})
        assert bad.status_code == 422, bad.text[:1000]
        assert "er ikke et beløb" in _text(bad.text)
        assert f'value="{typed.get("gain-0", typed.get("amount"))}"' in bad.text  # kept
    assert _count(app, EfficiencyRequirement) == 0
    hand = f"/loesninger/{solution}/afregning/haand?aar={YEAR}"
    typed = {"aar": str(YEAR), "grundlag": "gross", "krav": "1.500.000",
             "baseline-0": "9" * 30, "actual-0": "8.000.000"}  # fmt: skip
    bad = finance.post(hand, data=typed)
    assert bad.status_code == 422 and "er ikke et beløb" in _text(bad.text)
    assert f'value="{"9" * 30}"' in bad.text
    bad = finance.post(hand, data={**typed, "baseline-0": "5.000.000", "krav": HUGE})
    assert bad.status_code == 422 and f"«{HUGE}» er ikke et beløb" in _text(bad.text)
    assert _count(app, SettlementRecord) == 0


def test_a_year_that_is_no_year_saves_nothing(town) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    app, solution = town
    finance = client_for(app, "finance_consultant")
    for year in ("abc", "1800", "99999", ""):
        url = f"/loesninger/{solution}/effektiviseringskrav?aar={year}"
        bad = finance.post(url, data=REQUIREMENT, follow_redirects=False)
        assert bad.status_code == 422, (year, bad.status_code)
        said = _text(bad.text)
        assert f"Året «{year}» i sidens adresse er ikke et år mellem 2000 og 2100" in said
        assert "intet er gemt" in said and 'value="1.500.000"' in bad.text  # kept as typed
        url = f"/loesninger/{solution}/afregning?aar={year}"
        bad = finance.post(url, data={"grundlag": "gross"}, follow_redirects=False)
        assert bad.status_code == 422, (year, bad.status_code)
        assert f"Året «{year}» i sidens adresse" in _text(bad.text)
    analyst = client_for(app, "analyst")  # who may not write is told so before the input
    for url in (f"/loesninger/{solution}/effektiviseringskrav?aar=abc",
                f"/loesninger/{solution}/afregning?aar=abc"):  # fmt: skip
        assert analyst.post(url, data={"rule": "x"}).status_code == 403
    assert _count(app, EfficiencyRequirement) == 0
    assert _count(app, SettlementRecord) == 0
    hand = f"/loesninger/{solution}/afregning/haand?aar={YEAR}"
    typed = {"grundlag": "gross", "krav": "0", "baseline-0": "1", "actual-0": "1"}
    for year in ("abc", "1800"):
        bad = finance.post(hand, data={**typed, "aar": year})
        assert bad.status_code == 422 and "Vælg et år mellem 2000 og 2100." in _text(bad.text)
    assert _count(app, SettlementRecord) == 0
    ok = finance.post(f"/loesninger/{solution}/effektiviseringskrav?aar={YEAR}",
                      data=REQUIREMENT, follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303 and ok.headers["location"].endswith(f"?aar={YEAR}")


def test_the_requirement_form_says_what_the_page_shows(town) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    app, solution = town
    finance = client_for(app, "finance_consultant")
    url = f"/loesninger/{solution}/effektiviseringskrav?aar={YEAR}"
    codes = ("expected_gain", "fixed", "upfront", "as_realised", "--solution")
    for typed, expected in (
        ({"rule": "x"}, "Vælg en fordelingsregel: Efter andel af baseline, Efter forventet "
         "gevinst, Faste andele, Helt på løsningen."),
        ({"harvest": "x"}, "Vælg høstning: Up front eller Hen ad vejen."),
        ({"rule": "fixed", "share-0": "abc", "share-1": "50%"},
         "Andelen «abc» kan ikke læses: skriv en procent (33,5%) eller en brøk (1/3)."),
        ({"rule": "expected_gain", "gain-0": "-5", "gain-1": "10"},
         "Den forventede gevinst kan ikke være negativ"),
    ):  # fmt: skip
        bad = finance.post(url, data={**REQUIREMENT, **typed})
        assert bad.status_code == 422, bad.text[:1000]
        alert = _text(bad.text[bad.text.index('id="krav-form"') :])
        assert expected in alert, alert[:1500]
        said = alert[: alert.index("Gem kravet")]
        words = said.replace("value=", " ").split()
        assert not any(c in words or f"«{c}»" in said for c in codes), said[:1500]
        assert "employment" not in said and "sygedagpenge «abc»" not in said
    assert _count(app, EfficiencyRequirement) == 0
