"""Exports of an edition with the columns the officer chooses: enrollments, attendance, certificates, credits.

Every text cell goes through core's `safe_cell`, so a name typed as `=HYPERLINK(…)` stays text in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pariter.core.spreadsheets import safe_row

DATASET_CHOICES = [
    ("enrollments", _("Enrollments")),
    ("attendance", _("Attendance and credits (for the professional order)")),
    ("certificates", _("Certificates")),
]

COLUMN_LABELS: dict[str, Any] = {
    "full_name": _("Name and surname"),
    "email": _("E-mail"),
    "phone": _("Telephone"),
    "municipality": _("Municipality"),
    "gender": _("Gender"),
    "state": _("State"),
    "enrolled_on": _("Enrolled on"),
    "hours": _("Hours attended"),
    "scheduled_hours": _("Hours scheduled"),
    "percent": _("Attendance %"),
    "sessions_attended": _("Sessions attended"),
    "cnoas_event_id": _("CNOAS event identifier"),
    "credits": _("Credits"),
    "credit_type": _("Credit type"),
    "certificate": _("Certificate number"),
    "verification_code": _("Verification code"),
    "issued_on": _("Issued on"),
}
COLUMN_CHOICES = list(COLUMN_LABELS.items())

_PERSON = ["full_name", "email", "phone", "municipality", "gender"]
COLUMNS_BY_DATASET: dict[str, list[str]] = {
    "enrollments": [*_PERSON, "state", "enrolled_on"],
    "attendance": [
        *_PERSON,
        "sessions_attended",
        "hours",
        "scheduled_hours",
        "percent",
        "cnoas_event_id",
        "credits",
        "credit_type",
    ],
    "certificates": ["full_name", "email", "certificate", "verification_code", "issued_on", "hours", "credits"],
}


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def rows(edition: Any, dataset: str, columns: list[str]) -> list[list[Any]]:
    from pariter.training import rules, selectors

    out: list[list[Any]] = []
    if dataset == "enrollments":
        for e in selectors.edition_enrollments(edition):
            values: dict[str, Any] = {
                "full_name": e.full_name,
                "email": e.email,
                "phone": e.phone,
                "municipality": e.municipality.name.title() if e.municipality else "",
                "gender": e.gender,
                "state": str(e.get_state_display()),
                "enrolled_on": timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
            }
            out.append([values[c] for c in columns])
        return out
    _sessions, register = selectors.edition_register(edition)
    for row in register:
        e, t, cert = row.enrollment, row.totals, row.certificate
        if dataset == "certificates" and cert is None:
            continue
        credits = edition.credits if edition.is_accredited() and rules.earns_credits(t) else 0
        values = {
            "full_name": e.full_name,
            "email": e.email,
            "phone": e.phone,
            "municipality": e.municipality.name.title() if e.municipality else "",
            "gender": e.gender,
            "sessions_attended": t.sessions_attended,
            "hours": _hours(t.attended),
            "scheduled_hours": _hours(t.scheduled),
            "percent": round(t.percent, 1),
            "cnoas_event_id": edition.cnoas_event_id,
            "credits": cert.credits if cert and cert.credits is not None else credits,
            "credit_type": ("deontologici" if edition.ethics_credits else "formativi")
            if edition.is_accredited()
            else "",
            "certificate": cert.reference if cert else "",
            "verification_code": cert.verification_code if cert else "",
            "issued_on": timezone.localtime(cert.issued_at).strftime("%Y-%m-%d") if cert else "",
        }
        out.append([values[c] for c in columns])
    return out


def _csv(header: list[str], data: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(safe_row(header))
    for r in data:
        writer.writerow(safe_row(r))
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(header: list[str], data: list[list[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    clean: Callable[[Any], Any] = lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v  # noqa: E731
    sheet.append([clean(v) for v in safe_row(header)])
    for r in data:
        sheet.append([clean(v) for v in safe_row(r)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export(edition: Any, *, dataset: str, columns: list[str], fmt: str) -> bytes:
    header = [str(COLUMN_LABELS[c]) for c in columns]
    data = rows(edition, dataset, columns)
    return _csv(header, data) if fmt == "csv" else _xlsx(header, data)


def survey_export(edition: Any, *, fmt: str) -> bytes:
    """The questionnaire's results: per statement the average and how many gave each rating; then the comments."""
    from pariter.training import selectors

    results, comments, responses = selectors.survey_results(edition)
    header = [str(_("Statement")), str(_("Average (1–5)")), "1", "2", "3", "4", "5"]
    data: list[list[Any]] = [
        [statement, round(average, 2), *[counts.get(i, 0) for i in range(1, 6)]]
        for statement, average, counts in results
    ]
    data.append([str(_("Responses")), responses, "", "", "", "", ""])
    data.extend([[str(_("Comment")), c, "", "", "", "", ""] for c in comments])
    return _csv(header, data) if fmt == "csv" else _xlsx(header, data)
