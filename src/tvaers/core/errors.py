"""One error tree with codes. A user sees what is wrong, where, and what to do — in Danish."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable codes: shown to users, searchable in docs, asserted in tests."""

    # files and structure
    FILE_EMPTY = "fil_tom"
    FILE_UNREADABLE = "fil_ulaeselig"
    FILE_TRUNCATED = "fil_afkortet"
    FILE_DUPLICATE_TABLE = "fil_dublet"
    FORMAT_UNKNOWN = "format_ukendt"
    ENCODING = "tegnsaet"
    COLUMN_MISSING = "kolonne_mangler"
    COLUMN_DUPLICATE = "kolonne_dublet"
    ROW_WIDTH = "raekke_bredde"
    # values
    VALUE_REQUIRED = "vaerdi_mangler"
    DATE_INVALID = "dato_ugyldig"
    NUMBER_INVALID = "tal_ugyldigt"
    NUMBER_STYLE_MIXED = "talformat_blandet"
    AMOUNT_PRECISION = "beloeb_oere"
    INTEGER_INVALID = "heltal_ugyldigt"
    CPR_INVALID = "cpr_ugyldigt"
    CODE_INVALID = "kode_ugyldig"
    CHOICE_INVALID = "vaerdi_ikke_tilladt"
    # references and consistency
    UNKNOWN_SECTOR_AREA = "ukendt_sektoromraade"
    UNKNOWN_FUNCTION_CODE = "ukendt_funktion"
    UNKNOWN_INTERVENTION = "ukendt_indsats"
    UNKNOWN_CITIZEN = "ukendt_borger"
    PRICE_MISSING = "pris_mangler"
    PERIOD_REVERSED = "periode_omvendt"
    DUPLICATE_KEY = "dublet_noegle"
    UNITS_REQUIRED = "enheder_mangler"
    # elsewhere
    IMPORT_REJECTED = "import_afvist"
    FOLDER_MISSING = "mappe_mangler"
    NO_DATA = "ingen_data"
    CONFIG_INVALID = "konfiguration_ugyldig"
    STORE_UNAVAILABLE = "database_utilgaengelig"
    DATA_BUSY = "data_opdateres"
    ACCESS_REFUSED = "adgang_naegtet"
    NOT_FOUND = "findes_ikke"
    CASEWORK_REFUSED = "sagsbehandling_afvist"
    # who grants and who pays (focus point 4)
    PRINCIPLE_BROKEN = "regel_for_bevilling"  # a placement, plan, grant or key not accepted
    DECIDED_ELSEWHERE = "afgjort_af_anden"  # someone else decided the same thing first
    # budgets and redistribution (focus point 5)
    BUDGET_INVALID = "budget_ugyldigt"  # a budget, requirement, settlement or case not accepted


class TvaersError(Exception):
    """Base of every error the project raises on purpose."""

    code: ErrorCode = ErrorCode.CONFIG_INVALID

    def __init__(self, message: str, *, code: ErrorCode | None = None, hint: str = "") -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


@dataclass(frozen=True)
class Issue:
    """One problem in the municipality's files: where it is, what is wrong, what to do.

    ``row`` is the row number as the user sees it in Excel (the header is row 1); 0 means the
    problem concerns the file as a whole.
    """

    file: str
    row: int
    column: str
    value: str
    code: ErrorCode
    message: str
    hint: str = ""

    def line(self) -> str:
        place = self.file
        if self.row:
            place += f", række {self.row}"
        if self.column:
            place += f", kolonne '{self.column}'"
        shown = f" (værdi: '{self.value}')" if self.value else ""
        return f"{place}: {self.message}{shown}. {self.hint}".strip()


class ImportRejected(TvaersError):
    """Validation found problems; nothing was imported."""

    code = ErrorCode.IMPORT_REJECTED

    def __init__(self, issues: list[Issue], total: int | None = None) -> None:
        self.issues = issues
        self.total = total if total is not None else len(issues)
        super().__init__(
            f"Importen er afvist: {self.total} fejl i filerne. Intet er indlæst.",
            hint="Ret fejlene i kildefilerne og kør importen igen.",
        )


class ConfigError(TvaersError):
    code = ErrorCode.CONFIG_INVALID


class AccessRefused(TvaersError):
    """Refused by the access rules (who, which purpose, which recorded basis): the message says
    why in Danish. Raised by :mod:`tvaers.access` only; the web renders it as a 403 page, the
    command line as «Afvist: …» with exit code 1. ``reason`` is one of ``user``, ``role``,
    ``purpose``, ``basis`` (so each channel can add how to put it right there), ``solution_id``
    names the solution whose selection basis is missing and ``may_record_basis`` says whether
    the actor could record the missing basis."""

    code = ErrorCode.ACCESS_REFUSED

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        reason: str = "role",
        solution_id: int | None = None,
        may_record_basis: bool = False,
    ) -> None:
        super().__init__(message, hint=hint)
        self.reason = reason
        self.solution_id = solution_id
        self.may_record_basis = may_record_basis


class NoData(TvaersError):
    code = ErrorCode.NO_DATA


class NotFound(TvaersError):
    """The named record does not exist (a solution, a rule set, a version of it)."""

    code = ErrorCode.NOT_FOUND


class CaseworkRefused(TvaersError):
    """A casework step (assessment, enrolment, discharge) that cannot be recorded as asked;
    the message says why, and nothing is recorded."""

    code = ErrorCode.CASEWORK_REFUSED


class DataBusy(TvaersError):
    """The analytics data are being written (an import or a deletion is running): wait and try
    again. The web answers 503 with the layout; the command line says it in Danish."""

    code = ErrorCode.DATA_BUSY

    def __init__(self, message: str = "Data opdateres lige nu: en import eller sletning kører.",
                 hint: str = "Prøv igen om lidt.") -> None:  # fmt: skip
        super().__init__(message, hint=hint)
