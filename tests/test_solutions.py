"""Focus points 1 and 3: solutions are versioned, reflection answers are kept, examples load."""

from __future__ import annotations

from sqlalchemy import select

from tvaers.anchoring import examples, service
from tvaers.anchoring.model import SolutionData, focus_points, status
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
        assert furesoe.data["families"] == 100 and furesoe.data["organisation_model"] == "unit"
        answers = service.current_answers(session, furesoe.id)
        assert answers["fp4_visitation_placering"] == "in_solution"
        assert answers["fp4_betaling_placering"] == "sector_areas"
