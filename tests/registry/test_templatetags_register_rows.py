"""`{% register_rows %}`: the rows of the register's results table, written in Python."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from pariter.registry.selectors import EntitySearch, search_entities
from pariter.registry.templatetags.register_rows import register_rows
from tests.registry.factories import register


def rows_for(text: str) -> str:
    return register_rows(search_entities(EntitySearch(text=text)).page.items)


def test_a_row_links_the_entry_and_shows_sections_municipality_codice_fiscale_and_repertorio(sesto):
    entity = register("Rete Lombarda APS", sesto, sections="eb")
    html = rows_for("lombarda")
    link = reverse("registry:entity", args=[entity.repertory_number])
    assert html.startswith(f'<tr><td><a href="{link}">Rete Lombarda APS</a></td>')
    # The register's order of sections (b before e), each with its full name for screen readers.
    assert '<td><abbr title="Associazioni di promozione sociale">APS</abbr>, <abbr title="Reti associative">' in html
    assert "<td>Sesto San Giovanni (MI)</td>" in html
    assert f'<td class="text-monospace">{entity.tax_code}</td><td>{entity.repertory_number}</td></tr>' in html


def test_names_are_escaped(milano):
    register('Associazione <script>alert("x")</script> & Co', milano)
    html = rows_for("associazione")
    assert "<script>" not in html
    assert "Associazione &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html


def test_synthetic_entries_carry_a_translated_badge(milano):
    register("Associazione Di Prova", milano, is_synthetic=True)
    register("Associazione Vera", milano)
    with translation.override("en"):
        html = rows_for("associazione")
    assert html.count('<span class="badge bg-secondary">demo</span>') == 1
    assert "Associazione Di Prova</a> <span" in html and "Associazione Vera</a></td>" in html


def test_no_entities_no_rows(db):
    assert register_rows([]) == ""
