"""The dashboard as an XLSX workbook: one sheet per table, every text cell neutralised against formulas."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from pariter.core.spreadsheets import safe_row
from pariter.filings.selectors import Dashboard


def dashboard_xlsx(data: Dashboard) -> bytes:
    book = Workbook(write_only=True)
    months = [m.strftime("%Y-%m") for m in data.months]
    flows = book.create_sheet(_("Filings by month"))
    flows.append(safe_row([_("Type"), _("Flow"), *months, _("Pending now")]))
    for row in data.flows:
        flows.append(safe_row([str(row["label"]), _("In"), *row["in"], row["pending"]]))
        flows.append(safe_row([str(row["label"]), _("Decided"), *row["out"], ""]))
    times = book.create_sheet(_("Time to decision"))
    times.append(safe_row([_("Type"), _("Average days"), _("Decisions")]))
    for label, days, n in data.decision_days:
        times.append(safe_row([str(label), days, n]))
    deadlines = book.create_sheet(_("Deadlines"))
    deadlines.append(safe_row([_("Terms missed in the period"), data.missed]))
    deadlines.append(safe_row([_("Open filings past their deadline now"), data.overdue_now]))
    sections = book.create_sheet(_("Entities by section"))
    sections.append(safe_row([_("Section"), _("Name"), _("Entities")]))
    for letter, name, count in data.by_section:
        sections.append(safe_row([letter, name, count]))
    places = book.create_sheet(_("Entities by municipality"))
    places.append(safe_row([_("Municipality"), _("Entities")]))
    for municipality, count in data.by_municipality:
        places.append(safe_row([municipality, count]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
