"""Danish texts for validation problems: what is wrong and what to do. One place for all of them."""

from __future__ import annotations

from tvaers.core.errors import ErrorCode
from tvaers.data.contracts import Column, Kind
from tvaers.data.readers import NumberStyle

_NUMBER_FORMAT = {
    NumberStyle.DANISH: "dansk format som 1.234,50 (semikolon-separeret fil)",
    NumberStyle.INTERNATIONAL: "formatet 1234.50 (komma-separeret fil)",
    NumberStyle.TYPED: "et tal",
}


def value_message(key: str, col: Column, style: NumberStyle) -> tuple[ErrorCode, str, str]:
    """The code, message and hint for an error key from :mod:`tvaers.data.parsing`."""
    code_text, _, variant = key.partition(":")
    code = ErrorCode(code_text)
    if code is ErrorCode.VALUE_REQUIRED:
        return code, "Feltet skal udfyldes", "Udfyld værdien eller fjern rækken."
    if code is ErrorCode.DATE_INVALID:
        return code, "Ugyldig dato", "Brug en gyldig dato som 2025-03-31 eller 31-03-2025."
    if code is ErrorCode.NUMBER_STYLE_MIXED:
        return (
            code,
            "Tallet er skrevet i et andet talformat end resten af filen",
            f"Filen bruger {_NUMBER_FORMAT[style]}; ret tallet, så hele filen bruger samme format.",
        )
    if code is ErrorCode.AMOUNT_PRECISION:
        what = "øre (to decimaler)" if variant == "2" else f"{variant} decimaler"
        return code, f"Tallet har flere decimaler end {what}", "Afrund tallet i kildesystemet."
    if code is ErrorCode.NUMBER_INVALID:
        if variant == "range":
            return code, "Tallet er for stort", "Tjek beløbet i kildesystemet."
        if variant == "amount":
            return (
                code,
                "Beløbet er over 100 mia. kr. og kan ikke være én postering",
                "Tjek beløbet i kildesystemet (en tastefejl, eller et felt med et andet indhold).",
            )
        if variant == "negative":
            return code, "Værdien må ikke være negativ", "Ret værdien til 0 eller mere."
        return code, "Ikke et gyldigt tal", f"Skriv tallet i {_NUMBER_FORMAT[style]}."
    if code is ErrorCode.INTEGER_INVALID:
        if variant == "range":
            low, high = col.minimum, col.maximum
            span = f"mellem {low} og {high}" if high is not None else f"mindst {low}"
            return code, f"Tallet skal være {span}", "Ret værdien."
        return code, "Ikke et helt tal", "Skriv et helt tal uden decimaler."
    if code is ErrorCode.CPR_INVALID:
        if variant == "future":
            return (
                code,
                "CPR-nummeret giver en fødselsdato i fremtiden",
                "Tjek CPR-nummeret i kildesystemet (det syvende ciffer afgør århundredet).",
            )
        if variant == "date":
            return (
                code,
                "CPR-nummeret indeholder en fødselsdato, der ikke findes",
                "Tjek CPR-nummeret i kildesystemet.",
            )
        return (
            code,
            "CPR-nummeret skal være 10 cifre",
            "Skriv det som DDMMÅÅ-LLLL eller DDMMÅÅLLLL.",
        )
    if code is ErrorCode.CHOICE_INVALID:
        allowed = ", ".join(sorted(set(col.choices.values())))
        return code, "Værdien er ikke tilladt", f"Brug en af: {allowed}."
    if code is ErrorCode.CODE_INVALID:
        if col.kind is Kind.ACCOUNT:
            return code, "Ugyldigt kontonummer", "Brug kontoplanens nummer, fx 528211003."
        return code, "Ugyldig funktion", "Brug den autoriserede kontoplans funktion, fx 5.28.21."
    return code, "Ugyldig værdi", "Ret værdien."


REFERENCE_MESSAGES: dict[str, tuple[ErrorCode, str]] = {
    "sector_area": (ErrorCode.UNKNOWN_SECTOR_AREA, "Ukendt sektorområde"),
    "function_code": (ErrorCode.UNKNOWN_FUNCTION_CODE, "Ukendt funktion (ikke i kontoplanen)"),
    "intervention": (ErrorCode.UNKNOWN_INTERVENTION, "Ukendt indsats"),
    "cpr": (ErrorCode.UNKNOWN_CITIZEN, "Borgeren findes ikke i borgerfilen"),
    "related_cpr": (ErrorCode.UNKNOWN_CITIZEN, "Borgeren findes ikke i borgerfilen"),
}
REFERENCE_HINTS: dict[str, str] = {
    "sector_areas": "Tilføj sektorområdet i sector_areas eller ret koden.",
    "accounts": "Tilføj funktionen i accounts (kontoplanen) eller ret posteringen.",
    "interventions": "Tilføj indsatsen i interventions eller ret koden.",
    "citizens": "Tilføj borgeren (også fraflyttede) i citizens eller ret CPR-nummeret.",
}
