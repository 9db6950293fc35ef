"""An entry read in one query (`with_entry_rows`) says exactly what the prefetching read says, on both engines."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile

from pariter.registry import selectors, services
from pariter.registry.entries import Related, documents_of, entry_snapshot, prefetch_for_snapshot
from pariter.registry.models import Entity, GeneralInterestActivity, SecondaryOffice, Section
from tests.registry.factories import register

DAYS = [date(2022, 12, 31), date(2023, 3, 1), date(2024, 6, 30), date(2025, 1, 1), date(2026, 1, 1)]


def _prefetched(entity: Entity) -> Entity:
    return prefetch_for_snapshot(Entity.objects.filter(pk=entity.pk)).prefetch_related("documents").get()


def _busy_entity(milano, sesto) -> Entity:
    """Every relation of an entry, with periods that ended and ties in the sort orders."""
    network = register("Rete Lombarda delle Associazioni", milano, sections="eb")
    entity = register("Associazione Il Ponte APS", milano, sections="b", pec="ponte@pec.it", in_network=True)
    entity.networks.add(network)
    entity.activities.add(*GeneralInterestActivity.objects.order_by("-position")[:3])
    services.office_holder_appoint(entity=entity, role="president", full_name="Carla Neri", starts_on=date(2023, 3, 1))
    old = services.office_holder_appoint(
        entity=entity, role="legal_representative", full_name="Anna Bianchi", starts_on=date(2023, 3, 1)
    )
    services.office_holder_end(holder=old, ends_on=date(2024, 1, 1))
    for name in ("Giulia Verdi", "Bruno Rossi"):
        services.office_holder_appoint(
            entity=entity, role="legal_representative", full_name=name, starts_on=date(2024, 1, 1), powers="firma"
        )
    services.entity_migrate(entity=entity, to_section=Section.objects.get(letter="a"), effective_on=date(2024, 6, 1))
    SecondaryOffice.objects.create(entity=entity, municipality=sesto, address="Via Roma 1", starts_on=date(2023, 3, 1))
    SecondaryOffice.objects.create(
        entity=entity, municipality=milano, address="Via Po 2", starts_on=date(2023, 3, 1), ends_on=date(2025, 1, 1)
    )
    services.document_deposit(entity=entity, kind="statute", year=2023, deposited_on=date(2023, 3, 1))
    accounts = ContentFile(b"%PDF-1.7", "b.pdf")
    services.document_deposit(entity=entity, kind="accounts", year=2024, deposited_on=date(2025, 6, 30), file=accounts)
    services.document_deposit(entity=entity, kind="statute", year=2024, deposited_on=date(2024, 6, 1))
    return entity


def test_one_query_reads_what_the_prefetches_read_on_every_day(milano, sesto, django_assert_num_queries):
    entity = _busy_entity(milano, sesto)
    with django_assert_num_queries(1):
        read = selectors.entity_by_repertory(entity.repertory_number)
        related = Related.of(read)
        documents = documents_of(read)
    reference = _prefetched(entity)
    for day in DAYS:
        assert entry_snapshot(read, on=day, related=related) == entry_snapshot(reference, on=day)
    assert entry_snapshot(read, on=DAYS[-1])["networks"] == [
        {"name": "Rete Lombarda delle Associazioni", "repertory_number": entity.networks.get().repertory_number}
    ]
    shown = [(d.pk, d.kind, d.year, d.deposited_on, d.file.name, bool(d.file)) for d in documents]
    expected = [(d.pk, d.kind, d.year, d.deposited_on, d.file.name, bool(d.file)) for d in reference.documents.all()]
    assert shown == expected and [d.year for d in documents] == [2024, 2024, 2023]
    assert documents[0].file.url.endswith(".pdf") or documents[1].file.url.endswith(".pdf")


def test_an_entity_with_no_relations_reads_as_empty_lists(milano):
    entity = register("Comitato Solitario", milano)
    entity.section_periods.all().delete()
    read = selectors.entity_by_repertory(entity.repertory_number)
    related = Related.of(read)
    assert (related.section_periods, related.activities, related.networks) == ([], [], [])
    assert (related.office_holders, related.secondary_offices, documents_of(read)) == ([], [], [])
    assert entry_snapshot(read, on=date(2026, 1, 1)) == entry_snapshot(_prefetched(entity), on=date(2026, 1, 1))


def test_an_unknown_repertorio_reads_as_none(db):
    assert selectors.entity_by_repertory(999_999) is None
