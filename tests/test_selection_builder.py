"""The rule builder's form (issue 11 #3), without the web: a rule set read into form fields and
posted back is the same rule; «Tilføj betingelse» and «Fjern» change only the tree; a form with
mistakes gives Danish errors per field and keeps what was typed; the conditions read as Danish
sentences without the YAML's syntax."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import pytest

from tvaers.draw.model import Selector
from tvaers.selection import builder
from tvaers.selection.builder import BuilderForm
from tvaers.selection.dump import rule_set_to_yaml
from tvaers.selection.parse import parse_rule_set
from tvaers.selection.rule_files import ready_made
from tvaers.selection.rules import InterventionCondition
from tvaers.selection.sentences import leaf_sentence, plain_warning, selector_text

READY_MADE = ready_made()


def _post(fields: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Fields as a browser posts them: name -> values in the order sent."""
    post: dict[str, list[str]] = defaultdict(list)
    for name, value in fields:
        post[name].append(value)
    return post


def _repost(form: BuilderForm, *extra: tuple[str, str]) -> tuple[BuilderForm, str | None]:
    return builder.form_from_post(_post([*builder.form_fields(form), *extra]))


@pytest.mark.parametrize("key", sorted(READY_MADE))
def test_every_ready_made_rule_set_survives_the_form(key: str) -> None:
    rule, _text = READY_MADE[key]
    form, added = _repost(builder.form_from_rule(rule))
    assert added is None
    again, errors = builder.rule_from_form(form, key)
    assert errors == {}
    assert again == rule
    # the builder writes the canonical YAML, which parses to the same rule again
    text = rule_set_to_yaml(again)
    assert text == rule_set_to_yaml(rule)
    assert parse_rule_set(text) == rule


def test_a_new_rule_is_built_from_an_empty_form() -> None:
    form = builder.new_form()
    form.values.update(rule_set="unge", label="Unge på kontanthjælp")
    form, first = _repost(form, ("action", "add:include"), ("include-new", "benefit"))
    assert first == "b1" and [n.kind for n in form.nodes] == ["benefit"]
    form, group = _repost(form, ("action", "add:include"), ("include-new", "any"))
    form, inner = _repost(form, ("action", "add:b2"), ("b2-new", "age"))
    assert (group, inner) == ("b2", "b3")
    form, _ = _repost(form, ("action", "add:exclude"), ("exclude-new", "cost"))
    assert [(n.id, n.parent, n.kind) for n in form.nodes] == [
        ("b1", "include", "benefit"), ("b2", "include", "any"), ("b3", "b2", "age"),
        ("b4", "exclude", "cost"),
    ]  # fmt: skip
    fields = [
        *builder.form_fields(form),
        ("b1-types", "kontanthjælp"), ("b1-types", "uddannelseshjælp"), ("b3-max", "29"),
        ("b3-not", "1"), ("b4-min", "1.250.000,50"), ("w-sector_areas", "2,5"),
    ]  # fmt: skip
    form, _ = builder.form_from_post(_post(fields))
    rule, errors = builder.rule_from_form(form)
    assert errors == {} and rule is not None
    assert rule_set_to_yaml(rule) == (
        "rule_set: unge\nlabel: Unge på kontanthjælp\nunit: citizen\nlookback_months: 12\n"
        "include:\n  all:\n  - benefit:\n      types:\n      - kontanthjælp\n"
        "      - uddannelseshjælp\n      within_months: 0\n  - any:\n    - not:\n"
        "        age:\n          max: 29\nexclude:\n  any:\n  - cost:\n      min: 1250000.5\n"
        "score:\n  weights:\n    sector_areas: 2.5\n"
    )
    # «Fjern» on the group takes its conditions with it
    form, _ = builder.form_from_post(_post([*builder.form_fields(form), ("action", "remove:b2")]))
    assert [n.id for n in form.nodes] == ["b1", "b4"]


def test_the_stored_order_of_benefit_types_is_kept() -> None:
    rule, _text = READY_MADE["furesoe"]
    form = builder.form_from_rule(rule)
    first = form.nodes[0]
    assert first.types == ["uddannelseshjælp", "kontanthjælp", "ressourceforløb",
                           "ledighedsydelse"]  # fmt: skip
    # the browser sends the ticked boxes in the page's order, not the rule's
    first.types = sorted(first.types)
    form, _ = _repost(form)
    again, _errors = builder.rule_from_form(form, "furesoe")
    assert again == rule
    # the page offers them in an order in which Furesø's ticks come out as written
    offered = builder.benefit_choices()
    assert [t for t in offered if t in rule.include.items[0].types] == list(  # type: ignore[attr-defined]
        rule.include.items[0].types  # type: ignore[attr-defined]
    )


def test_mistakes_give_danish_errors_per_field_and_keep_the_input() -> None:
    form = builder.new_form()
    form.values.update(rule_set="Min Gruppe", label="", lookback_months="tre")
    form, _ = _repost(form, ("action", "add:include"), ("include-new", "sector_areas"))
    form, _ = _repost(form, ("action", "add:include"), ("include-new", "benefit"))
    form, _ = _repost(form, ("action", "add:include"), ("include-new", "all"))
    form, _ = _repost(form, ("action", "add:include"), ("include-new", "intervention"))
    form, _ = _repost(form, ("action", "add:exclude"), ("exclude-new", "age"))
    fields = [*builder.form_fields(form), ("b1-min", "5"), ("b1-max", "2"), ("b5-min", "x"),
              ("b5-member", "adult"), ("score_min", "3")]  # fmt: skip
    form, _ = builder.form_from_post(_post(fields))
    rule, errors = builder.rule_from_form(form)
    assert rule is None
    assert set(errors) == {
        "rule_set", "label", "lookback_months", "b1-max", "b2-types-0", "b3-new", "b4-legal_bases",
        "b5-min", "b5-member", "score_min",
    }  # fmt: skip
    assert errors["b1-max"] == "«Højst» må ikke være mindre end «mindst»."
    assert errors["b5-min"] == "Skriv et helt tal, fx 2."
    assert "include" not in " ".join(errors.values())  # no YAML paths in the messages
    assert form.nodes[0].values == {"min": "5", "max": "2"}  # what was typed is kept
    assert form.values["lookback_months"] == "tre"


def test_a_forged_post_cannot_make_nodes_a_browser_cannot() -> None:
    fields = [("node", "b1"), ("b1-parent", "include"), ("b1-kind", "__class__"),
              ("node", "x;y"), ("x;y-parent", "include"), ("x;y-kind", "age"),
              ("node", "b2"), ("b2-parent", "b9"), ("b2-kind", "age"),
              ("node", "b3"), ("b3-parent", "include"), ("b3-kind", "age"), ("b3-min", "18")]  # fmt: skip
    form, _ = builder.form_from_post(_post(fields))
    assert [n.id for n in form.nodes] == ["b3"]


def test_conditions_read_as_danish_sentences() -> None:
    mentor = Selector(legal_bases=("LAB § 31", "LAB § 31,*", "LAB § 31 *"), names=("*mentor*",))
    assert selector_text(mentor) == "efter LAB § 31 eller med «mentor» i navnet"
    assert selector_text(Selector(codes=("017031",), names=("Mentor*",))) == (
        "med koden 017031 eller hvis navn begynder med «Mentor»"
    )
    for key, (rule, _text) in READY_MADE.items():
        for leaf in rule.leaves():
            text = leaf_sentence(leaf, {"children": "Udsatte børn og unge"})
            assert "legal_basis:" not in text and "name:" not in text and "|" not in text, key
            assert " children " not in text, key
    leaf = InterventionCondition("include.all[1].intervention", mentor, within_months=3)
    warning = f"include.all[1].intervention: ingen indsatser i kataloget passer til '{mentor}'."
    assert plain_warning(warning, _rule_with(leaf), {}) == (
        "Betingelsen «indsats efter LAB § 31 eller med «mentor» i navnet inden for 3 mdr.»: "
        "ingen indsatser i kataloget passer."
    )


def _rule_with(leaf: InterventionCondition):  # type: ignore[no-untyped-def]
    from tvaers.selection.rules import AllOf, RuleSet

    return RuleSet("x", "x", AllOf("include.all", (leaf,)))


def test_numbers_are_shown_as_a_dane_types_them() -> None:
    assert builder.number_text(Decimal("1250000.50")) == "1250000,5"
    assert builder.number_text(Decimal("7")) == "7"
    assert builder.number_text(Decimal("1E+3")) == "1000"
    assert builder.parse_danish_number("1.250.000,50") == Decimal("1250000.50")
    assert builder.parse_danish_number("0.5") == Decimal("0.5")
    assert builder.parse_danish_number("1e30") is None
