"""The register's public, read-only API: search the entries and read one entry, today or as of a date.

Mounted by `pariter.api` under /api/v1/registro/. Endpoints stay thin: the
query is `selectors.search_entities`, the content of an entry is
`entries.entry_snapshot` (through `selectors.entry_as_of`), and this module
only maps them to documented schemas with Italian field names. Every error
is JSON in the request's language (LocaleMiddleware activates it from
Accept-Language); messages are gettext with English msgids.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError
from pydantic import ValidationInfo, ValidatorFunctionWrapHandler, field_validator
from pydantic_core import PydanticCustomError

from pariter.core import selectors as core_selectors
from pariter.core.pagination import InvalidCursor
from pariter.core.validators import normalise_tax_code, validate_tax_code
from pariter.registry import selectors
from pariter.registry.models import (
    PUBLIC_STATUSES,
    CancellationCause,
    Entity,
    EntityStatus,
    OfficeHolderRole,
    RegistrationRoute,
)

router = Router(tags=["Registro"])

MAX_QUERY = 200
MAX_PAGE_SIZE = 100
MAX_REPERTORY = 2**31 - 1  # the column is an integer on every engine
SectionLetter = Literal["a", "b", "c", "d", "e", "f", "g"]
CACHE_CONTROL = "public, max-age=300"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISTAT = re.compile(r"\d{6}")


def _codes(choices: Any) -> str:
    return ", ".join(f"`{value}`" for value in choices.values)


# --- Input ---------------------------------------------------------------------------------------------------


def _invalid(message: str) -> PydanticCustomError:
    # The message is already translated: braces would be read as placeholders by pydantic.
    return PydanticCustomError("invalid", message.replace("{", "(").replace("}", ")"))


def _translated_errors(field: str, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Run pydantic's own checks on `field`, answering with a translated message instead of pydantic's English."""
    if isinstance(value, str):
        value = value.strip()
    if field == "q":
        if isinstance(value, str) and len(value) > MAX_QUERY:
            raise _invalid(
                _("Use at most %(limit_value)d characters (you typed %(show_value)d).")
                % {"limit_value": MAX_QUERY, "show_value": len(value)}
            )
    elif field == "codice_fiscale":
        if isinstance(value, str) and value:
            value = normalise_tax_code(value)
            try:
                validate_tax_code(value)
            except DjangoValidationError as exc:
                raise _invalid(str(exc.messages[0])) from None
    elif field == "comune":
        if isinstance(value, str) and value and not _ISTAT.fullmatch(value):
            raise _invalid(_("An ISTAT municipality code has six digits, for example 015146."))
    elif field == "sezione":
        if isinstance(value, str):
            value = value.lower()
    elif field == "al" and isinstance(value, str) and value:
        try:
            if not _DATE.fullmatch(value):
                raise ValueError(value)
            value = date.fromisoformat(value)
        except ValueError:
            raise _invalid(_("Use a date in the form YYYY-MM-DD, for example 2024-12-31.")) from None
    if value == "":
        value = None
    try:
        return handler(value)
    except PydanticValidationError:
        raise _invalid(_MESSAGES[field]()) from None


_MESSAGES = {
    "q": lambda: (
        _("Use at most %(limit_value)d characters (you typed %(show_value)d).")
        % {"limit_value": MAX_QUERY, "show_value": MAX_QUERY + 1}
    ),
    "codice_fiscale": lambda: _("This is not a valid codice fiscale."),
    "repertorio": lambda: _("A repertorio number is a whole number from 1 to %(max)d.") % {"max": MAX_REPERTORY},
    "comune": lambda: _("An ISTAT municipality code has six digits, for example 015146."),
    "sezione": lambda: _("A section is one of the letters from a to g."),
    "cinque_per_mille": lambda: _("Use true or false."),
    "rete": lambda: _("Use true or false."),
    "limit": lambda: _("The page size is a whole number from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE},
    "cursor": lambda: _("This page link is not valid: start again from the first page."),
    "al": lambda: _("Use a date in the form YYYY-MM-DD, for example 2024-12-31."),
}


class EntiFiltri(Schema):
    """The filters of the public register, combinable; all optional."""

    q: str | None = Field(
        None,
        title="Testo",
        description="Words of the entity's name, in any order; beginnings of words are enough. "
        f"Query-language characters are ignored. At most {MAX_QUERY} characters.",
        max_length=MAX_QUERY,
        examples=["cooperativa sociale"],
    )
    codice_fiscale: str | None = Field(
        None,
        title="Codice fiscale",
        description="The entity's codice fiscale (11 digits); a wrong check character is refused.",
        max_length=20,
        examples=["80051890152"],
    )
    repertorio: int | None = Field(
        None,
        title="Repertorio",
        description="The entry's repertorio number in the register.",
        ge=1,
        le=MAX_REPERTORY,
    )
    comune: str | None = Field(
        None,
        title="Comune",
        description="ISTAT code (six digits) of the municipality of the registered office.",
        pattern=r"^\d{6}$",
        examples=["015146"],
    )
    sezione: SectionLetter | None = Field(
        None,
        title="Sezione",
        description="Letter of a section of the register (CTS art. 46), from `a` to `g`: entities currently in it.",
    )
    cinque_per_mille: bool | None = Field(
        None, title="5 per mille", description="Only entities accredited (`true`) or not (`false`) to the 5x1000."
    )
    rete: bool | None = Field(
        None,
        title="Rete associativa",
        description="Only members (`true`) or non-members (`false`) of a rete associativa.",
    )
    limit: int = Field(
        selectors.PAGE_SIZE,
        title="Dimensione pagina",
        description=f"Entries per page, from 1 to {MAX_PAGE_SIZE}.",
        ge=1,
        le=MAX_PAGE_SIZE,
    )
    cursor: str | None = Field(
        None,
        title="Cursore",
        description="Opaque cursor of the next page, as returned in `cursor` (or inside `next`). "
        "A tampered cursor answers 400.",
    )

    @field_validator("*", mode="wrap")
    @classmethod
    def _messages(cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
        return _translated_errors(info.field_name or "", value, handler)


class SchedaData(Schema):
    """The date of the entry's content."""

    al: date | None = Field(
        None,
        title="Alla data",
        description="Show the entry as it stood on this date (YYYY-MM-DD); today's entry if omitted. "
        "A date before the entry existed answers 404.",
        examples=["2024-12-31"],
    )

    @field_validator("*", mode="wrap")
    @classmethod
    def _messages(cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
        return _translated_errors(info.field_name or "", value, handler)


class SchedaPercorso(Schema):
    repertorio: int = Field(
        ..., title="Repertorio", description="The entry's repertorio number.", ge=1, le=MAX_REPERTORY
    )

    @field_validator("*", mode="wrap")
    @classmethod
    def _messages(cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
        return _translated_errors(info.field_name or "", value, handler)


# --- Output --------------------------------------------------------------------------------------------------


class Comune(Schema):
    nome: str = Field(..., title="Nome", description="Name of the municipality, as ISTAT lists it.")
    codice_istat: str = Field(..., title="Codice ISTAT", description="ISTAT code of the municipality (six digits).")
    provincia: str = Field(..., title="Provincia", description="Province abbreviation (sigla), for example MI.")


class Sezione(Schema):
    lettera: str = Field(..., title="Lettera", description="Letter of the section (CTS art. 46).")
    nome: str = Field(..., title="Nome", description="Name of the section.")
    sigla: str = Field(..., title="Sigla", description="Acronym of the section, for example ODV or APS.")


class SezioneIscrizione(Sezione):
    dal: date = Field(..., title="Dal", description="Date from which the entity is in this section.")


class Conteggio(Schema):
    value: int = Field(..., title="Valore", description=f"Number of matching entries, at most {selectors.COUNT_LIMIT}.")
    more_than: bool = Field(
        ..., title="Di più", description=f"True when more than {selectors.COUNT_LIMIT} entries match."
    )


class EnteSintesi(Schema):
    """An entry of the register in a list of results."""

    repertorio: int = Field(..., title="Repertorio", description="The entry's repertorio number.")
    codice_fiscale: str = Field(..., title="Codice fiscale", description="The entity's codice fiscale.")
    denominazione: str = Field(..., title="Denominazione", description="The entity's name.")
    sezioni: list[Sezione] = Field(..., title="Sezioni", description="Sections the entity is currently in.")
    comune: Comune = Field(..., title="Comune", description="Municipality of the registered office.")
    cinque_per_mille: bool = Field(..., title="5 per mille", description="Accredited to the 5x1000.")
    rete_associativa: bool = Field(..., title="Rete associativa", description="Member of a rete associativa.")
    data_iscrizione: date | None = Field(..., title="Data di iscrizione", description="Date of registration.")
    dati_sintetici: bool = Field(
        ..., title="Dati sintetici", description="True for demonstration data generated by Pariter: not a real entry."
    )
    url: str = Field(..., title="URL", description="This entry in the API.")
    pagina: str = Field(..., title="Pagina", description="This entry's public page in the register.")


class EntiPagina(Schema):
    """One page of results, in a stable order (name, then repertorio's internal id)."""

    results: list[EnteSintesi] = Field(..., title="Risultati", description="The entries of this page.")
    next: str | None = Field(
        ..., title="Pagina successiva", description="URL of the next page with the same filters; null on the last."
    )
    cursor: str | None = Field(
        ..., title="Cursore", description="Opaque cursor of the next page (the `cursor` parameter); null on the last."
    )
    count: Conteggio | None = Field(
        ...,
        title="Conteggio",
        description=f"Number of matching entries, bounded at {selectors.COUNT_LIMIT}; null when no filter is given.",
    )


class Attivita(Schema):
    lettera: str = Field(..., title="Lettera", description="Letter of the activity in CTS art. 5 c.1.")
    descrizione: str = Field(..., title="Descrizione", description="The activity of general interest.")


class ReteAssociativa(Schema):
    denominazione: str = Field(..., title="Denominazione", description="Name of the rete associativa.")
    repertorio: int | None = Field(
        ..., title="Repertorio", description="Repertorio number of the rete associativa, if it is in the register."
    )


class Carica(Schema):
    ruolo: str = Field(..., title="Ruolo", description=f"Role: one of {_codes(OfficeHolderRole)}.")
    nome_cognome: str = Field(..., title="Nome e cognome", description="Name and surname of the office holder.")
    poteri: str = Field(..., title="Poteri", description="Powers and limitations; empty if none were filed.")
    dal: date = Field(..., title="Dal", description="Date from which the office is held.")


class SedeSecondaria(Schema):
    indirizzo: str = Field(..., title="Indirizzo", description="Address of the secondary office.")
    comune: str = Field(..., title="Comune", description="Municipality of the secondary office.")
    codice_istat: str = Field(..., title="Codice ISTAT", description="ISTAT code of that municipality.")


class EnteScheda(Schema):
    """The public content of an entry (CTS art. 48), as it stood on `al`."""

    al: date = Field(..., title="Alla data", description="The date this content refers to.")
    repertorio: int = Field(..., title="Repertorio", description="The entry's repertorio number.")
    codice_fiscale: str = Field(..., title="Codice fiscale", description="The entity's codice fiscale.")
    partita_iva: str = Field(..., title="Partita IVA", description="The entity's partita IVA; empty if none.")
    denominazione: str = Field(..., title="Denominazione", description="The entity's name.")
    forma_giuridica: str = Field(..., title="Forma giuridica", description="Legal form.")
    natura_giuridica: str = Field(..., title="Natura giuridica", description="Legal nature.")
    comune: Comune = Field(..., title="Comune", description="Municipality of the registered office.")
    indirizzo: str = Field(..., title="Indirizzo", description="Address of the registered office.")
    cap: str = Field(..., title="CAP", description="Postcode of the registered office.")
    pec: str = Field(..., title="PEC", description="Certified e-mail address (PEC).")
    telefono: str = Field(..., title="Telefono", description="Phone number.")
    sito_web: str = Field(..., title="Sito web", description="Website.")
    data_costituzione: date | None = Field(..., title="Data di costituzione", description="Date of constitution.")
    personalita_giuridica: bool = Field(
        ..., title="Personalità giuridica", description="True if the entity has legal personality."
    )
    patrimonio: str | None = Field(
        ...,
        title="Patrimonio",
        description='Patrimony in euro, as a decimal string (for example "30000.00"); null if not filed.',
    )
    cinque_per_mille: bool = Field(..., title="5 per mille", description="Accredited to the 5x1000.")
    rete_associativa: bool = Field(..., title="Rete associativa", description="Member of a rete associativa.")
    data_iscrizione: date | None = Field(..., title="Data di iscrizione", description="Date of registration.")
    modalita_iscrizione: str = Field(
        ..., title="Modalità di iscrizione", description=f"How the entity was registered: {_codes(RegistrationRoute)}."
    )
    nota_iscrizione: str = Field(
        ..., title="Nota di iscrizione", description="Note on the registration, as the national platform gives it."
    )
    stato: str = Field(..., title="Stato", description=f"State of the entry: {_codes(EntityStatus)}.")
    causa_cancellazione: str | None = Field(
        ...,
        title="Causa di cancellazione",
        description=f"Cause of cancellation (DM 106/2020 art. 23 c.1): {_codes(CancellationCause)}; null if none.",
    )
    data_cancellazione: date | None = Field(..., title="Data di cancellazione", description="Date of cancellation.")
    sezioni: list[SezioneIscrizione] = Field(..., title="Sezioni", description="Sections the entity is in.")
    attivita: list[Attivita] = Field(..., title="Attività", description="Activities of general interest (CTS art. 5).")
    reti_associative: list[ReteAssociativa] = Field(
        ..., title="Reti associative", description="Reti associative the entity belongs to."
    )
    cariche: list[Carica] = Field(..., title="Cariche", description="Legal representatives and office holders.")
    rappresentanti_legali: list[str] = Field(
        ..., title="Rappresentanti legali", description="Names of the legal representatives."
    )
    sedi_secondarie: list[SedeSecondaria] = Field(..., title="Sedi secondarie", description="Secondary offices.")
    dati_sintetici: bool = Field(
        ..., title="Dati sintetici", description="True for demonstration data generated by Pariter: not a real entry."
    )
    url: str = Field(..., title="URL", description="This entry in the API.")
    pagina: str = Field(..., title="Pagina", description="This entry's public page in the register.")


class Errore(Schema):
    detail: str = Field(..., title="Dettaglio", description="What went wrong, in the request's language.")


class ErroreCampo(Schema):
    type: str = Field(..., title="Tipo", description="Machine-readable kind of error.")
    loc: list[str | int] = Field(..., title="Posizione", description="Where: the source and the parameter name.")
    msg: str = Field(..., title="Messaggio", description="What is wrong, in the request's language.")


class ErroreValidazione(Schema):
    detail: list[ErroreCampo] = Field(..., title="Dettaglio", description="One item per invalid parameter.")


# --- Endpoints -----------------------------------------------------------------------------------------------


def _entry_urls(request: HttpRequest, repertory_number: int) -> dict[str, str]:
    return {
        "url": request.build_absolute_uri(reverse("api:registro_ente", args=[repertory_number])),
        "pagina": request.build_absolute_uri(reverse("registry:entity", args=[repertory_number])),
    }


def _summary(request: HttpRequest, entity: Entity) -> dict[str, Any]:
    municipality = entity.municipality
    assert entity.repertory_number is not None  # public_entities() has a repertorio
    return {
        "repertorio": entity.repertory_number,
        "codice_fiscale": entity.tax_code,
        "denominazione": entity.name,
        "sezioni": [
            {"lettera": s.letter, "nome": s.name, "sigla": s.acronym} for s in getattr(entity, "current_sections", [])
        ],
        "comune": {
            "nome": municipality.name,
            "codice_istat": municipality.istat_code,
            "provincia": municipality.province_code,
        },
        "cinque_per_mille": entity.five_per_thousand,
        "rete_associativa": entity.in_network,
        "data_iscrizione": entity.registered_on,
        "dati_sintetici": entity.is_synthetic,
        **_entry_urls(request, entity.repertory_number),
    }


def _field_error(name: str, message: str) -> NinjaValidationError:
    return NinjaValidationError([{"type": "invalid", "loc": ["query", name], "msg": message}])


@router.get(
    "/enti",
    url_name="registro_enti",
    operation_id="registro_enti",
    summary="Search the register",
    description="Public entries of the register (registered, migrating, warned or under cancellation), filtered "
    "like the public search and sorted by name. Pages are walked with the opaque `cursor` of the previous "
    "page (or by following `next`); the count is bounded.",
    response={200: EntiPagina, 400: Errore, 422: ErroreValidazione, 429: Errore},
)
def enti(request: HttpRequest, response: HttpResponse, filtri: Query[EntiFiltri]) -> dict[str, Any]:
    municipality = None
    if filtri.comune:
        municipality = core_selectors.municipality_lookup(filtri.comune)
        if municipality is None:
            raise _field_error(
                "comune", _("No current municipality has the ISTAT code %(code)s.") % {"code": filtri.comune}
            )
    search = selectors.EntitySearch(
        text=filtri.q or "",
        tax_code=filtri.codice_fiscale or "",
        repertory_number=filtri.repertorio,
        municipality=municipality,
        section=filtri.sezione or "",
        five_per_thousand=filtri.cinque_per_mille,
        in_network=filtri.rete,
    )
    try:
        found = selectors.search_entities(search, cursor=filtri.cursor or None, size=filtri.limit)
    except InvalidCursor:
        raise HttpError(400, _MESSAGES["cursor"]()) from None
    next_cursor = found.page.next_cursor
    next_url = None
    if next_cursor:
        params = request.GET.copy()
        params["cursor"] = next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    response["Cache-Control"] = _cache_control(request)
    return {
        "results": [_summary(request, entity) for entity in found.page.items],
        "next": next_url,
        "cursor": next_cursor,
        "count": {"value": found.count.value, "more_than": found.count.exceeded} if found.count else None,
    }


@router.get(
    "/enti/{repertorio}",
    url_name="registro_ente",
    operation_id="registro_ente",
    summary="Read an entry",
    description="The public content of an entry (CTS art. 48) as it stands today or, with `al`, as it stood on "
    "that date. Cancelled entries stay readable, as on the public page.",
    response={200: EnteScheda, 404: Errore, 422: ErroreValidazione, 429: Errore},
)
def ente(
    request: HttpRequest, response: HttpResponse, percorso: Path[SchedaPercorso], data: Query[SchedaData]
) -> dict[str, Any]:
    entity = selectors.entity_by_repertory(percorso.repertorio)
    if entity is None or (entity.status not in PUBLIC_STATUSES and entity.status != EntityStatus.CANCELLED):
        raise HttpError(404, _("No entry of the register has this repertorio number."))
    entry = selectors.entry_as_of(entity, data.al)
    if entry is None:
        raise HttpError(404, _("On that date this entity was not yet in the register."))
    today = timezone.localdate()
    response["Cache-Control"] = _cache_control(request)
    return _scheda(request, entity, entry, on=min(data.al, today) if data.al else today)


def _scheda(request: HttpRequest, entity: Entity, entry: dict[str, Any], *, on: date) -> dict[str, Any]:
    """Map entry_snapshot's dict to EnteScheda. Versions recorded by older code may lack newer keys."""
    municipality = entry.get("municipality") or {}
    return {
        "al": on,
        "repertorio": entry.get("repertory_number") or entity.repertory_number,
        "codice_fiscale": entry.get("tax_code") or entity.tax_code,
        "partita_iva": entry.get("vat_number") or "",
        "denominazione": entry.get("name") or "",
        "forma_giuridica": entry.get("legal_form") or "",
        "natura_giuridica": entry.get("legal_nature") or "",
        "comune": {
            "nome": municipality.get("name", ""),
            "codice_istat": municipality.get("istat_code", ""),
            "provincia": municipality.get("province", ""),
        },
        "indirizzo": entry.get("address") or "",
        "cap": entry.get("postcode") or "",
        "pec": entry.get("pec") or "",
        "telefono": entry.get("phone") or "",
        "sito_web": entry.get("website") or "",
        "data_costituzione": entry.get("constituted_on"),
        "personalita_giuridica": bool(entry.get("has_legal_personality")),
        "patrimonio": entry.get("patrimony"),
        "cinque_per_mille": bool(entry.get("five_per_thousand")),
        "rete_associativa": bool(entry.get("in_network")),
        "data_iscrizione": entry.get("registered_on"),
        "modalita_iscrizione": entry.get("registration_route") or "",
        "nota_iscrizione": entry.get("registration_note") or "",
        "stato": entry.get("status") or "",
        "causa_cancellazione": entry.get("cancellation_cause") or None,
        "data_cancellazione": entry.get("cancelled_on"),
        "sezioni": [
            {"lettera": s["letter"], "nome": s["name"], "sigla": s.get("acronym", ""), "dal": s["since"]}
            for s in entry.get("sections", [])
        ],
        "attivita": [{"lettera": a["letter"], "descrizione": a["description"]} for a in entry.get("activities", [])],
        "reti_associative": [
            {"denominazione": n["name"], "repertorio": n.get("repertory_number")} for n in entry.get("networks", [])
        ],
        "cariche": [
            {"ruolo": h["role"], "nome_cognome": h["full_name"], "poteri": h.get("powers", ""), "dal": h["since"]}
            for h in entry.get("office_holders", [])
        ],
        "rappresentanti_legali": list(entry.get("legal_representatives", [])),
        "sedi_secondarie": [
            {
                "indirizzo": o.get("address", ""),
                "comune": o.get("municipality", ""),
                "codice_istat": o.get("istat_code", ""),
            }
            for o in entry.get("secondary_offices", [])
        ],
        "dati_sintetici": entity.is_synthetic,
        **_entry_urls(request, entity.repertory_number or 0),
    }


def _cache_control(request: HttpRequest) -> str:
    """Public for anonymous callers. A request carrying a session cookie gets the cookie refreshed on the response
    (SESSION_SAVE_EVERY_REQUEST): such a response must never be stored by a shared cache."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return "private, max-age=300"
    return CACHE_CONTROL
