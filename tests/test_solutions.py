"""Focus points 1 and 3: solutions are versioned, reflection answers are kept, examples load."""

from __future__ import annotations

from sqlalchemy import select

from tvaers.anchoring import examples, service
from tvaers.anchoring.model import OrganisationModel, SolutionData, focus_points, status
from tvaers.store.models import Solution

from .conftest import client_for


def test_every_change_is_a_version_with_who_and_what(web) -> None:
    with web.state.sessions() as session:
        solution = service.create(session, SolutionData(name="Familien i centrum"), "lone")
        same = service.update(session, solution.id, SolutionData(name="Familien i centrum"), "bo")
        assert same.version == 1  # nothing changed: no new version
        data = SolutionData(name="Familien i centrum", organisation_model="unit", families=40)
        service.update(session, solution.id, data, "bo")
        history = service.versions(session, solution.id)
        assert [(v.version, v.changed_by) for v in history] == [(2, "bo"), (1, "lone")]
        assert history[0].changes == {"organisation_model": [None, "unit"], "families": [None, 40]}
        assert history[1].changes == {"name": [None, "Familien i centrum"]}
        session.commit()


def test_reflection_answers_are_versioned_and_give_status(web) -> None:
    with web.state.sessions() as session:
        solution = service.create(session, SolutionData(name="Job og familie"), "lone")
        point = focus_points()[3]  # focus point 4
        text_q = next(q for q in point.questions if q.kind == "text")
        choice_q = next(q for q in point.questions if q.kind == "choice" and not q.multiple)
        assert service.answer(session, solution.id, text_q.key, "Fagchefforum hver 14. dag", "lone")
        assert (
            service.answer(session, solution.id, text_q.key, "Fagchefforum hver 14. dag", "bo")
            is None
        )
        service.answer(session, solution.id, text_q.key, "Månedligt fagchefforum", "bo")
        service.answer(session, solution.id, choice_q.key, choice_q.choices[0].value, "bo")
        answers = service.current_answers(session, solution.id)
        assert answers[text_q.key] == "Månedligt fagchefforum"
        assert len(service.answer_history(session, solution.id)) == 3
        fp4 = status(answers)[3]
        assert (fp4.answered, fp4.total, fp4.done) == (2, len(point.questions), False)
        session.rollback()


def test_form_validation_speaks_danish_and_keeps_the_input(web) -> None:
    client = client_for(web, "area_chief")
    page = client.post("/loesninger/ny", data={
        "name": "Tværs for unge", "project_start": "2026-05-01", "project_end": "2026-01-01",
        "staff": "Sagsbehandlere fire", "coordinator_may_grant": "1", "annual_economy": "6.000.000,50",
    })  # fmt: skip
    assert page.status_code == 422
    assert "Projektperioden slutter, før den starter." in page.text
    assert "Skriv hver linje som «type: antal»" in page.text
    assert 'value="Tværs for unge"' in page.text
    ok = client.post("/loesninger/ny", data={
        "name": "Tværs for unge", "staff": "Sagsbehandlere: 4\nFamiliebehandlere: 2,5",
        "annual_economy": "6.000.000,50", "organisation_model": "matrix",
        "steering_group": "Direktør for børn og unge\n\nJobcenterchef",
    }, follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303
    with web.state.sessions() as session:
        stored = session.scalar(select(Solution).where(Solution.name == "Tværs for unge"))
        assert stored.data["annual_economy"] == "6000000.50"
        assert stored.data["staff"] == [{"staff_type": "Sagsbehandlere", "number": "4"},
                                        {"staff_type": "Familiebehandlere", "number": "2.5"}]  # fmt: skip
        assert stored.data["steering_group"] == ["Direktør for børn og unge", "Jobcenterchef"]


def test_reflection_form_records_choices_and_refuses_unknown_values(web) -> None:
    client = client_for(web, "solution_leader")
    keys = "fp4_visitation_placering fp4_kompenserende_tiltag"
    client.post("/loesninger/1/refleksion", data={
        "questions": keys, "fp4_visitation_placering": "in_solution",
        "fp4_kompenserende_tiltag": ["amount_ceiling", "distribution_key"]})  # fmt: skip
    client.post("/loesninger/1/refleksion", data={"questions": "fp4_visitation_placering",
                                                  "fp4_visitation_placering": "overalt"})  # fmt: skip
    with web.state.sessions() as session:
        answers = service.current_answers(session, 1)
    assert answers["fp4_visitation_placering"] == "in_solution"
    assert answers["fp4_kompenserende_tiltag"] == "amount_ceiling,distribution_key"
    page = client.get("/loesninger/1/refleksion")
    assert "I løsningen" in page.text or "i løsningen" in page.text


def test_the_five_example_solutions_load_once(web) -> None:
    with web.state.sessions() as session:
        names = sorted(s.name for s in service.all_solutions(session))
        assert names == ["Familieplanen", "Fælles om målet", "Job og Familie",
                         "Tværgående løsning i Furesø", "Tværgående løsning i Helsingør"]  # fmt: skip
        assert examples.load(session) == 0
        furesoe = next(s for s in service.all_solutions(session) if "Furesø" in s.name)
        assert furesoe.data["organisation_model"] == "unit"
        # Furesø's ~100 are citizens, not families: in the target group, not the family count.
        assert furesoe.data["families"] is None
        assert furesoe.data["target_group"].endswith("Juni 2018: ca. 100 borgere.")
        answers = service.current_answers(session, furesoe.id)
        assert answers["fp4_visitation_placering"] == "in_solution"
        assert answers["fp4_betaling_placering"] == "sector_areas"


def _solution_page(web, name: str) -> str:
    import re

    client = client_for(web, "solution_leader")
    listing = client.get("/loesninger").text
    href = re.search(rf'href="(/loesninger/\d+)"[^>]*>{re.escape(name)}<', listing)
    assert href, listing
    return client.get(href.group(1)).text


def _row(page: str, label: str) -> str:
    """The text of the table row headed ``label`` (tags stripped)."""
    import re

    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S)
    found = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in rows if label in r]
    assert len(found) == 1, (label, found)
    return found[0]


def test_furesoe_counts_citizens_not_families_on_its_page(web) -> None:
    """VIVE: «Juni 2018: ca. 100 borgere». The page must not show 100 as a number of families."""
    page = _solution_page(web, "Tværgående løsning i Furesø")
    families = _row(page, "Antal familier (mål)")
    assert "100" not in families
    assert "ca. 100 borgere" in _row(page, "Målgruppe")
    assert "12" in _row(_solution_page(web, "Familieplanen"), "Antal familier (mål)")


def test_albertslunds_inferred_organisation_is_marked_and_not_an_answer(web) -> None:
    """Albertslund's organisation model is read from a table's layout (004, slide 20), not stated:
    the page marks it, and it is not recorded as the municipality's reflection answer."""
    page = _solution_page(web, "Fælles om målet")
    assert _row(page, "Organisering</") == (
        "Organisering Netværksorganisering (udledt, ikke angivet i kilderne)"
    )
    assert "står ikke i kilderne, men er udledt af dem" in page
    # Stated models carry no mark.
    assert "udledt" not in _row(_solution_page(web, "Familieplanen"), "Organisering</")
    with web.state.sessions() as session:
        albertslund = next(s for s in service.all_solutions(session) if s.name == "Fælles om målet")
        assert albertslund.data["inferred"] == ["organisation_model"]
        assert "fp3_organisering" not in service.current_answers(session, albertslund.id)
        # Saving the form keeps the mark on an unchanged value; changing the value removes it.
        data = service.as_data(albertslund).model_copy(update={"inferred": []})
        kept = service.update(session, albertslund.id, data.model_copy(
            update={"chief_forum_cadence": "hver 14. dag"}), "lone")  # fmt: skip
        assert kept.data["inferred"] == ["organisation_model"]
        changed = service.update(session, albertslund.id, data.model_copy(
            update={"organisation_model": OrganisationModel.MATRIX}), "lone")  # fmt: skip
        assert changed.data["inferred"] == []
        session.rollback()


def test_no_internal_key_shows_on_an_example_page(web) -> None:
    """Assens' compensating measure read «Fordelingsnøgle (se distribution_key)»."""
    page = _solution_page(web, "Job og Familie")
    assert "distribution_key" not in page
    assert "Fordelingsnøgle: princip for fordeling af betaling" in page


def test_a_solution_stored_before_the_inferred_marks_saves_without_a_change(web) -> None:
    """A record stored before ``inferred`` existed has no such key; saving it unchanged is no
    new version (an empty list is not a change from a missing field)."""
    with web.state.sessions() as session:
        solution = service.create(session, SolutionData(name="Gammel løsning", families=20), "lone")
        solution.data = {k: v for k, v in solution.data.items() if k != "inferred"}
        session.flush()
        same = service.update(session, solution.id, SolutionData(name="Gammel løsning",
                                                                 families=20), "bo")  # fmt: skip
        assert same.version == 1
        session.rollback()


def test_loading_the_examples_again_corrects_an_untouched_example_only(web) -> None:
    """An installation that loaded the examples before the corrections (Furesø's ~100 citizens
    as families, Albertslund's inferred organisation as an answer) gets them on the next load,
    as a version by the example actor; an example a user has changed is left alone."""
    with web.state.sessions() as session:
        solutions = {s.name: s for s in service.all_solutions(session)}
        furesoe, albertslund = (
            solutions["Tværgående løsning i Furesø"],
            solutions["Fælles om målet"],
        )
        helsingoer = solutions["Tværgående løsning i Helsingør"]
        old = service.as_data(furesoe).model_copy(update={"families": 100})
        service.update(session, furesoe.id, old, examples.ACTOR)
        service.answer(session, albertslund.id, "fp3_organisering", "network", examples.ACTOR)
        mine = service.as_data(helsingoer).model_copy(update={"families": 30})
        service.update(session, helsingoer.id, mine, "lone")
        assert examples.load(session) == 0
        assert furesoe.data["families"] is None
        assert service.versions(session, furesoe.id)[0].changed_by == examples.ACTOR
        assert service.current_answers(session, albertslund.id).get("fp3_organisering", "") == ""
        assert helsingoer.data["families"] == 30
        session.rollback()


def test_the_solution_form_refuses_what_cannot_be_meant_and_shows_danish_formats(web) -> None:
    """Issue 11 #8: a name of spaces made a nameless solution, 9999-12-31 and 0001-01-01 were
    dates, «1e30» became «1E+30», and «1.250.000,50» was shown as «1250000.50»."""
    client = client_for(web, "area_chief")
    for field, typed, said in [
        ("name", "     ", "Feltet skal udfyldes."),
        ("project_start", "9999-12-31", "mellem 1. januar 1990 og 31. december 2100"),
        ("political_approval_date", "0001-01-01", "mellem 1. januar 1990 og 31. december 2100"),
        ("annual_economy", "1e30", "Tallet er for stort."),
        ("annual_economy", "inf", "Skriv et tal."),
    ]:
        data = {"name": "Unge på tværs", field: typed}
        page = client.post("/loesninger/ny", data=data)
        assert page.status_code == 422, (field, typed)
        assert said in page.text, (field, typed)
    made = client.post("/loesninger/ny", data={
        "name": "Unge på tværs", "annual_economy": "1.250.000,50", "project_start": "2026-02-01",
    }, follow_redirects=False)  # fmt: skip
    page = client.get(made.headers["location"])
    assert "1.250.000,50 kr." in page.text and "1250000.50" not in page.text
    assert "1. februar 2026" in page.text and "2026-02-01" not in page.text
    form = client.get(made.headers["location"] + "/rediger")
    assert 'value="1.250.000,50"' in form.text
    with web.state.sessions() as session:
        assert session.scalar(select(Solution).where(Solution.name == "")) is None


def test_long_texts_are_stopped_by_the_form_and_said_in_danish_by_the_server(web) -> None:
    """Issue 11 #8: more than 1 MB in «Noter» gave an English 400 page and lost everything."""
    client = client_for(web, "area_chief")
    form = client.get("/loesninger/ny")
    assert 'name="notes" class="form-input input-width-xl" rows="6" maxlength="8000"' in form.text
    page = client.post("/loesninger/ny", files={"name": (None, "Tværs"),
                                               "notes": (None, "x" * 1_100_000)})  # fmt: skip
    assert page.status_code == 400
    assert "for langt" in page.text and "maximum size" not in page.text
    assert "Log ud" in page.text  # the layout
