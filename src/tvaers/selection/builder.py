"""The rule builder's form: a rule set as flat form fields, and posted fields back to a rule set.

The web's rule builder (``/maalgrupper/…/byg``) shows a rule set as fields and choices instead
of YAML. This module is its pure half: :func:`form_from_rule` reads a rule set into a
:class:`BuilderForm`, :func:`form_fields` gives the fields a browser posts for it,
:func:`form_from_post` reads the posted fields back (with the «Tilføj betingelse» and «Fjern»
actions applied), and :func:`rule_from_form` turns the form into a :class:`RuleSet` — or into
Danish errors per field, with what was typed kept. The rule is built as the YAML mapping of
``docs/selection.md`` and parsed by :func:`tvaers.selection.parse.rule_set_from_mapping`, so the
builder writes exactly the YAML an expert would (:func:`tvaers.selection.dump.rule_set_to_yaml`).

The condition tree is a flat list of :class:`Node` in the order of the form, each naming its
parent: ``include``, ``exclude`` or a group node (``all``/``any``). A node may be negated
(``not``). No web imports here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from tvaers.core.errors import ConfigError
from tvaers.core.units import Unit
from tvaers.selection import rules
from tvaers.selection.parse import KEY_PATTERN, MAX_LOOKBACK, rule_set_from_mapping
from tvaers.selection.rules import (
    BENEFIT_GROUPS,
    KNOWN_BENEFIT_TYPES,
    TRANSFER_INCOME,
    Bounds,
    Condition,
    Measure,
    Member,
    RuleSet,
)

ROOTS = ("include", "exclude")
UNITS = tuple(u.value for u in Unit)
GROUPS = ("all", "any")
COUNTS = tuple(m.value for m in Measure)
LEAVES = (*COUNTS, "cost", "age", "benefit", "intervention", "family")
KINDS = (*LEAVES, *GROUPS)
FAMILY_PARTS = rules.FAMILY_PARTS
SELECTOR_PARTS = (("codes", "code"), ("legal_bases", "legal_basis"), ("names", "name"))
# The benefit types offered as checkboxes, in this order (the group first, then the cash
# benefits the rule sets name most); types found in the data follow.
BENEFIT_ORDER = (TRANSFER_INCOME, "uddannelseshjælp", "kontanthjælp", "ressourceforløb",
                 "jobafklaring", "ledighedsydelse", "revalidering", "sygedagpenge", "dagpenge",
                 "førtidspension", "merudgifter")  # fmt: skip
MAX_NODES = 100
MAX_NESTING = 10
MAX_TEXT = 2000
NODE_ID = re.compile(r"^b[0-9]{1,4}$")
TOP_FIELDS = ("rule_set", "label", "description", "source", "unit", "lookback_months",
              "include-mode", "exclude-mode", "score_min", "note")  # fmt: skip


@dataclass
class Node:
    """One condition of the form: a leaf (``benefit``, ``cost``, …) or a group (``all``/``any``)
    under ``parent`` (``include``, ``exclude`` or a group's id); ``values`` are the fields as
    typed, ``types`` the benefit types ticked."""

    id: str
    parent: str
    kind: str
    negate: bool = False
    values: dict[str, str] = field(default_factory=dict)
    types: list[str] = field(default_factory=list)


@dataclass
class BuilderForm:
    """The whole form: the top fields as typed (``values``), the conditions and the weights."""

    values: dict[str, str] = field(default_factory=dict)
    nodes: list[Node] = field(default_factory=list)
    weights: dict[str, str] = field(default_factory=dict)

    def children(self, parent: str) -> list[Node]:
        return [n for n in self.nodes if n.parent == parent]

    def unit(self) -> str:
        return self.values.get("unit", Unit.CITIZEN.value)


def new_form() -> BuilderForm:
    """An empty form for a new rule set: citizens, 12 months back, all conditions must hold."""
    return BuilderForm(
        values={"unit": Unit.CITIZEN.value, "lookback_months": "12", "include-mode": "all",
                "exclude-mode": "any"},
    )  # fmt: skip


def benefit_choices(found: Sequence[str] = (), chosen: Sequence[str] = ()) -> list[str]:
    """The benefit types to offer: :data:`BENEFIT_ORDER`, then any other known or ``found`` (in
    the data) or ``chosen`` (in the rule), alphabetically."""
    known = [*BENEFIT_ORDER]
    rest = {*KNOWN_BENEFIT_TYPES, *BENEFIT_GROUPS, *found, *chosen} - set(known)
    return known + sorted(t for t in rest if t)


# --- rule -> form -----------------------------------------------------------------------------


def number_text(value: Decimal | int | None) -> str:
    """A number as a Dane types it: ``7``, ``0,5``, ``1250000`` (no exponent, no rounding)."""
    if value is None:
        return ""
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def form_from_rule(rule: RuleSet) -> BuilderForm:
    """A stored rule set as the form shows it."""
    form = BuilderForm(
        values={"rule_set": rule.key, "label": rule.label, "description": rule.description,
                "source": rule.source, "unit": rule.unit.value,
                "lookback_months": str(rule.lookback_months), "exclude-mode": "any",
                "score_min": number_text(rule.score.min)},
        weights={m.value: number_text(w) for m, w in rule.score.weights.items()},
    )  # fmt: skip
    for root, tree in (("include", rule.include), ("exclude", rule.exclude)):
        if tree is None:
            continue
        if isinstance(tree, rules.AllOf | rules.AnyOf):
            form.values[f"{root}-mode"] = "all" if isinstance(tree, rules.AllOf) else "any"
            for item in tree.items:
                _add_condition(form, root, item)
        else:  # a single condition: the same as «all of» it
            form.values[f"{root}-mode"] = "all"
            _add_condition(form, root, tree)
    return form


def _add_condition(form: BuilderForm, parent: str, node: Condition, negate: bool = False) -> None:
    if isinstance(node, rules.NotOf):
        _add_condition(form, parent, node.item, not negate)
        return
    own = Node(_next_id(form), parent, "", negate)
    form.nodes.append(own)
    if isinstance(node, rules.AllOf | rules.AnyOf):
        own.kind = "all" if isinstance(node, rules.AllOf) else "any"
        for item in node.items:
            _add_condition(form, own.id, item)
        return
    own.kind, own.values, own.types = _leaf_values(node)


def _bounds_values(bounds: Bounds, prefix: str = "") -> dict[str, str]:
    return {f"{prefix}min": number_text(bounds.min), f"{prefix}max": number_text(bounds.max)}


def _leaf_values(leaf: Condition) -> tuple[str, dict[str, str], list[str]]:
    """(kind, field values, benefit types) of a leaf."""
    member = {"member": getattr(leaf, "member", Member.ANY).value}
    if isinstance(leaf, rules.CountCondition):
        return leaf.measure.value, _bounds_values(leaf.bounds), []
    if isinstance(leaf, rules.CostCondition):
        return "cost", {**_bounds_values(leaf.bounds), "sector_area": leaf.sector_area or ""}, []
    if isinstance(leaf, rules.AgeCondition):
        return "age", {**_bounds_values(leaf.bounds), **member}, []
    if isinstance(leaf, rules.BenefitCondition):
        values = {"within_months": str(leaf.within_months), **_bounds_values(leaf.days, "days_"),
                  "order": "|".join(leaf.types), **member}  # fmt: skip
        return "benefit", values, list(leaf.types)
    if isinstance(leaf, rules.InterventionCondition):
        selector = leaf.selector
        values = {
            "codes": "\n".join(selector.codes) if selector else "",
            "legal_bases": "\n".join(selector.legal_bases) if selector else "",
            "names": "\n".join(selector.names) if selector else "",
            "sector_area": leaf.sector_area or "",
            "within_months": str(leaf.within_months),
            **member,
        }
        return "intervention", values, []
    if isinstance(leaf, rules.FamilyCondition):
        values = {}
        for part in FAMILY_PARTS:
            values.update(_bounds_values(getattr(leaf, part), f"{part}_"))
        return "family", values, []
    raise TypeError(f"no form for {type(leaf).__name__}")


def root_of(form: BuilderForm, node: Node) -> str:
    """``include`` or ``exclude``: the part of the rule a node stands in."""
    parents = {n.id: n.parent for n in form.nodes}
    at = node.parent
    while at in parents:
        at = parents[at]
    return at


def _next_id(form: BuilderForm) -> str:
    numbers = [int(n.id[1:]) for n in form.nodes]
    return f"b{max(numbers, default=0) + 1}"


# --- form <-> posted fields -------------------------------------------------------------------


def form_fields(form: BuilderForm) -> list[tuple[str, str]]:
    """The fields a browser posts for ``form`` (the inverse of :func:`form_from_post`)."""
    out = [(k, form.values[k]) for k in TOP_FIELDS if form.values.get(k)]
    out += [(f"w-{m}", w) for m, w in form.weights.items() if w]
    for node in form.nodes:
        out += [("node", node.id), (f"{node.id}-parent", node.parent),
                (f"{node.id}-kind", node.kind)]  # fmt: skip
        if node.negate:
            out.append((f"{node.id}-not", "1"))
        out += [(f"{node.id}-{k}", v) for k, v in node.values.items() if v]
        out += [(f"{node.id}-types", t) for t in node.types]
    return out


def form_from_post(post: Mapping[str, Sequence[str]]) -> tuple[BuilderForm, str | None]:
    """The posted fields (name -> values, in the order sent) as a form, with the action of the
    button pressed applied («Tilføj betingelse», «Fjern»); returns the form and the id of a
    node just added (for the page to put the focus there). Nodes a browser cannot have sent
    (an unknown kind or parent, too many) are left out."""

    def one(name: str) -> str:
        values = post.get(name) or [""]
        return str(values[0]).replace("\r\n", "\n").strip()[:MAX_TEXT]

    form = BuilderForm(values={k: one(k) for k in TOP_FIELDS})
    form.weights = {m: one(f"w-{m}") for m in COUNTS if one(f"w-{m}")}
    known = set(ROOTS)
    for node_id in list(dict.fromkeys(post.get("node") or []))[:MAX_NODES]:
        parent, kind = one(f"{node_id}-parent"), one(f"{node_id}-kind")
        if not NODE_ID.match(node_id) or parent not in known or kind not in KINDS:
            continue
        values = {
            name[len(node_id) + 1 :]: one(name)
            for name in post
            if name.startswith(f"{node_id}-")
            and name[len(node_id) + 1 :] not in ("parent", "kind", "not", "types", "new")
        }
        types = [t.strip().lower()[:100] for t in post.get(f"{node_id}-types") or [] if t.strip()]
        negate = bool(one(f"{node_id}-not"))
        form.nodes.append(Node(node_id, parent, kind, negate, values, list(dict.fromkeys(types))))
        if kind in GROUPS:
            known.add(node_id)
    return _act(form, one("action"), one)


def _act(form: BuilderForm, action: str, one: Any) -> tuple[BuilderForm, str | None]:
    verb, _, target = action.partition(":")
    parents = {*ROOTS, *(n.id for n in form.nodes if n.kind in GROUPS)}
    if verb == "add" and target in parents and len(form.nodes) < MAX_NODES:
        kind = one(f"{target}-new")
        if kind in KINDS and (kind not in GROUPS or _depth(form, target) < MAX_NESTING):
            added = Node(_next_id(form), target, kind, values=_defaults(kind))
            form.nodes.append(added)  # the last child of its parent; parents come first
            return form, added.id
    if verb == "remove":
        gone = {target}
        for node in form.nodes:  # parents come before their children
            if node.parent in gone:
                gone.add(node.id)
        form.nodes = [n for n in form.nodes if n.id not in gone]
    return form, None


def _defaults(kind: str) -> dict[str, str]:
    if kind in ("benefit", "intervention"):
        return {"within_months": "0"}
    return {}


def _depth(form: BuilderForm, node_id: str) -> int:
    parents = {n.id: n.parent for n in form.nodes}
    depth = 0
    while node_id in parents:
        node_id, depth = parents[node_id], depth + 1
    return depth


# --- form -> rule -----------------------------------------------------------------------------


class Errors(dict[str, str]):
    """Field id -> the Danish error; the first error of a field is kept."""

    def add(self, field_id: str, message: str) -> None:
        self.setdefault(field_id, message)


def rule_from_form(form: BuilderForm, key: str | None = None) -> tuple[RuleSet | None, Errors]:
    """The rule set the form describes (``key``: the stored rule's name, which the form cannot
    change), or ``None`` and the errors by field id."""
    errors = Errors()
    values = form.values
    name = key or values.get("rule_set", "")
    if not KEY_PATTERN.match(name):
        errors.add("rule_set", "Skriv et kort navn af små bogstaver (a-z), tal, - og _ uden "
                   "mellemrum, højst 60 tegn, fx «min_maalgruppe».")  # fmt: skip
    if not values.get("label"):
        errors.add("label", "Skriv målgruppens betegnelse.")
    unit = values.get("unit") if values.get("unit") in UNITS else None
    if unit is None:
        errors.add("unit-citizen", "Vælg, om målgruppen er borgere eller familier.")
    lookback = _integer(values.get("lookback_months", ""), "lookback_months", errors,
                        1, MAX_LOOKBACK, required=True)  # fmt: skip
    data: dict[str, Any] = {"rule_set": name, "label": values.get("label", ""),
                            "description": values.get("description", ""),
                            "source": values.get("source", ""), "unit": unit,
                            "lookback_months": lookback}  # fmt: skip
    for root in ROOTS:
        items = [_node_mapping(form, n, unit, errors) for n in form.children(root)]
        mode = values.get(f"{root}-mode") if values.get(f"{root}-mode") in GROUPS else "all"
        if items:
            data[root] = {mode: items}
    if "include" not in data:
        errors.add("include-new", "Tilføj mindst én betingelse, som målgruppen skal opfylde.")
    score = _score(form, errors)
    if score:
        data["score"] = score
    if errors:
        return None, errors
    try:
        return rule_set_from_mapping(data, "regelsættet"), errors
    except ConfigError as exc:  # what the fields above do not catch
        errors.add("include-new", str(exc))
        return None, errors


def _node_mapping(form: BuilderForm, node: Node, unit: str | None, errors: Errors) -> Any:
    if node.kind in GROUPS:
        items = [_node_mapping(form, n, unit, errors) for n in form.children(node.id)]
        if not items:
            errors.add(f"{node.id}-new", "Gruppen er tom: tilføj en betingelse, eller fjern "
                       "gruppen.")  # fmt: skip
        body: Any = {node.kind: items}
    else:
        body = {node.kind: _leaf_body(node, unit, errors)}
    return {"not": body} if node.negate else body


def _leaf_body(node: Node, unit: str | None, errors: Errors) -> dict[str, Any]:
    kind, v, at = node.kind, node.values, f"{node.id}-"
    body: dict[str, Any] = {}
    if kind in COUNTS or kind in ("age", "cost"):
        integer = kind != "cost"
        high = 130 if kind == "age" else 10**9
        body.update(_bounds(v, at, "", errors, integer, high, required=True))
        if kind == "cost" and v.get("sector_area"):
            body["sector_area"] = v["sector_area"]
    elif kind == "benefit":
        types = _types(node)
        if not types:
            errors.add(f"{at}types-0", "Vælg mindst én ydelse.")
        body["types"] = types
        body["within_months"] = _integer(v.get("within_months", ""), f"{at}within_months",
                                         errors, 0, 120) or 0  # fmt: skip
        days = _bounds(v, at, "days_", errors, True, 100_000)
        body.update({f"{end}_days": n for end, n in days.items()})
    elif kind == "intervention":
        body.update(_intervention(v, at, errors))
    elif kind == "family":
        for part in FAMILY_PARTS:
            found = _bounds(v, at, f"{part}_", errors, True, 1000)
            if found:
                body[part] = found
        if not body:
            errors.add(f"{at}children_min", "Angiv mindst ét antal: børn, voksne eller "
                       "medlemmer.")  # fmt: skip
    member = v.get("member", "")
    if kind in ("age", "benefit", "intervention") and member not in ("", Member.ANY.value):
        if unit != Unit.FAMILY.value:
            errors.add(f"{at}member", "Kun i regelsæt for familier: vælg «hvem som helst», "
                       "eller skift enheden til familier.")  # fmt: skip
        elif member in {m.value for m in Member}:
            body["member"] = member
    return body


def _types(node: Node) -> list[str]:
    """The ticked benefit types in the rule's own order (``order``, kept from the stored rule),
    new ones after it in the form's order, then the ones typed under «andre»."""
    order = [t for t in node.values.get("order", "").split("|") if t]
    ticked = [t for t in order if t in node.types] + [t for t in node.types if t not in order]
    typed = [t.strip().lower() for t in node.values.get("other", "").split(",") if t.strip()]
    return list(dict.fromkeys([*ticked, *typed]))


def _intervention(v: Mapping[str, str], at: str, errors: Errors) -> dict[str, Any]:
    body: dict[str, Any] = {}
    patterns = []
    for name, prefix in SELECTOR_PARTS:
        for line in filter(None, (x.strip() for x in v.get(name, "").splitlines())):
            if "|" in line:
                errors.add(f"{at}{name}", f"Tegnet | kan ikke bruges («{line}»); skriv hver "
                           "værdi på sin egen linje.")  # fmt: skip
            patterns.append(f"{prefix}:{line}")
    if patterns:
        body["select"] = "|".join(patterns)
    if v.get("sector_area"):
        body["sector_area"] = v["sector_area"]
    if not body:
        errors.add(f"{at}legal_bases", "Angiv hvilke indsatser: lovgrundlag, navn, kode eller "
                   "sektorområde.")  # fmt: skip
    body["within_months"] = _integer(v.get("within_months", ""), f"{at}within_months", errors,
                                     0, 120) or 0  # fmt: skip
    return body


def _bounds(v: Mapping[str, str], at: str, prefix: str, errors: Errors, integer: bool,
            high: int, required: bool = False) -> dict[str, Any]:  # fmt: skip
    found: dict[str, Any] = {}
    for end in ("min", "max"):
        name = f"{at}{prefix}{end}"
        text = v.get(f"{prefix}{end}", "")
        number = (_integer(text, name, errors, 0, high) if integer
                  else _decimal(text, name, errors))  # fmt: skip
        if number is not None:
            found[end] = number
    if required and not found and not any(k.startswith(f"{at}{prefix}") for k in errors):
        errors.add(f"{at}{prefix}min", "Angiv mindst, højst eller begge.")
    if "min" in found and "max" in found and found["min"] > found["max"]:
        errors.add(f"{at}{prefix}max", "«Højst» må ikke være mindre end «mindst».")
    return found


def _integer(text: str, name: str, errors: Errors, low: int, high: int,
             required: bool = False) -> int | None:  # fmt: skip
    text = text.replace(".", "").replace(" ", "")
    if not text:
        if required:
            errors.add(name, "Skal udfyldes med et helt tal.")
        return None
    if not re.fullmatch(r"-?[0-9]{1,12}", text):
        errors.add(name, f"Skriv et helt tal, fx {max(low, 2)}.")
        return None
    number = int(text)
    if not low <= number <= high:
        errors.add(name, f"Skal ligge mellem {low} og {number_text(high)}.")
        return None
    return number


def parse_danish_number(text: str) -> Decimal | None:
    """``1.250.000,50``, ``1250000,50``, ``7``, ``0.5`` -> a decimal; None when it is no number."""
    text = text.replace(" ", "").replace("kr.", "").replace("kr", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?|-?\d+(,\d+)?", text):
        text = text.replace(".", "").replace(",", ".")
    elif not re.fullmatch(r"-?\d+\.\d+", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _decimal(text: str, name: str, errors: Errors, low: Decimal = Decimal(0)) -> Decimal | None:
    if not text:
        return None
    number = parse_danish_number(text)
    if number is None:
        errors.add(name, "Skriv et tal, fx 250.000 eller 2,5.")
        return None
    if number < low or number >= Decimal(10) ** 12:
        errors.add(name, f"Skal ligge mellem {number_text(low)} og 999.999.999.999.")
        return None
    if -number.normalize().as_tuple().exponent > 6:  # type: ignore[operator]
        errors.add(name, "Højst seks decimaler.")
        return None
    return number


def _score(form: BuilderForm, errors: Errors) -> dict[str, Any]:
    weights = {}
    for measure, text in form.weights.items():
        number = _decimal(text, f"w-{measure}", errors)
        if number is not None:
            weights[measure] = number
    minimum = _decimal(form.values.get("score_min", ""), "score_min", errors)
    if minimum is not None and not weights:
        errors.add("score_min", "En mindste score kræver point for mindst ét mål.")
    if not weights:
        return {}
    return {"weights": weights, **({"min": minimum} if minimum is not None else {})}
