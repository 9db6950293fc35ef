"""Demo data for the training area: `manage.py training_demo`.

Realistic initiatives of the office (the volunteer guardians' path in three modules, courses on equal
opportunities, an awareness event), with past and upcoming editions, enrollments, a waiting list and attendance.
Everything goes through the services, so the audit log and the waiting list behave as in real use. Running it
twice adds nothing: it stops if the demo initiatives are already there.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from pariter.core import audit
from pariter.core.models import Municipality
from pariter.training import services
from pariter.training.models import (
    Audience,
    CertificateRule,
    Edition,
    EnrollmentMode,
    EnrollmentState,
    Initiative,
    InitiativeKind,
    Question,
    QuestionKind,
    Survey,
    Topic,
)

VENUES = [
    "Sala Affreschi, Palazzo Isimbardi, Corso Monforte 35, Milano",
    "Sala Consiliare, Viale Piceno 60, Milano",
    "Spazio Ex Ansaldo, Via Bergognone 34, Milano",
]
FIRST = [
    "Giulia",
    "Marco",
    "Sara",
    "Luca",
    "Francesca",
    "Ahmed",
    "Elena",
    "Davide",
    "Chiara",
    "Fatima",
    "Paolo",
    "Valentina",
    "Omar",
    "Laura",
    "Matteo",
    "Silvia",
    "Andrea",
    "Irene",
    "Youssef",
    "Martina",
]
LAST = [
    "Rossi",
    "Bianchi",
    "Colombo",
    "Ferrari",
    "Esposito",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Costa",
    "Giordano",
    "Mancini",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "El Amrani",
    "Barbieri",
]

CATALOGUE: list[dict[str, Any]] = [
    {
        "title": "Percorso di formazione per tutori volontari di minori stranieri non accompagnati",
        "kind": InitiativeKind.GUARDIAN_PATH,
        "audience": Audience.VOLUNTEER_GUARDIANS,
        "topics": ["Minori stranieri non accompagnati", "Tutela volontaria"],
        "description": "Il percorso previsto dalla legge 47/2017 per chi vuole diventare tutore volontario: "
        "tre moduli sul fenomeno migratorio, sugli aspetti giuridici e su quelli psico-sociali.",
        "sessions": [
            "Modulo 1 – Il fenomeno migratorio",
            "Modulo 2 – Aspetti giuridici",
            "Modulo 3 – Aspetti psico-sociali",
        ],
        "hours": 8,
        "mode": EnrollmentMode.OPEN,
        "capacity": 30,
        "rule": CertificateRule.ALL_SESSIONS,
    },
    {
        "title": "Pari opportunità e contrasto alle discriminazioni nei luoghi di lavoro",
        "kind": InitiativeKind.COURSE,
        "audience": Audience.SOCIAL_OPERATORS,
        "topics": ["Pari opportunità", "Diritti dei lavoratori"],
        "description": "Corso per operatori sociali accreditato per gli assistenti sociali.",
        "sessions": ["Il quadro normativo", "Strumenti e buone pratiche"],
        "hours": 4,
        "mode": EnrollmentMode.APPROVAL,
        "capacity": 25,
        "rule": CertificateRule.MIN_PERCENT,
        "credits": 8,
    },
    {
        "title": "Laboratorio: linguaggio di genere nella comunicazione pubblica",
        "kind": InitiativeKind.WORKSHOP,
        "audience": Audience.CITIZENS,
        "topics": ["Pari opportunità"],
        "description": "Un laboratorio pratico per scrivere testi rispettosi di tutte e tutti.",
        "sessions": ["Laboratorio"],
        "hours": 3,
        "mode": EnrollmentMode.OPEN,
        "capacity": 12,
        "rule": CertificateRule.ALL_SESSIONS,
    },
    {
        "title": "Conoscere i propri diritti: incontro informativo per cittadine e cittadini stranieri",
        "kind": InitiativeKind.INFORMATION_EVENT,
        "audience": Audience.CITIZENS,
        "topics": ["Integrazione sociale", "Diritti di cittadinanza"],
        "description": "Permesso di soggiorno, lavoro, servizi sociali e sanitari: un incontro con esperti.",
        "sessions": ["Incontro"],
        "hours": 2,
        "mode": EnrollmentMode.OPEN,
        "capacity": 80,
        "rule": CertificateRule.MANUAL,
    },
]


class Command(BaseCommand):
    help = "Add demo initiatives, editions, enrollments and attendance for the training area."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        if Initiative.objects.filter(title=CATALOGUE[0]["title"]).exists():
            self.stdout.write("Training demo data already present.")
            return
        rng = random.Random(options["seed"])  # noqa: S311 - reproducible demo data, not secrets
        municipalities = list(Municipality.objects.filter(is_metropolitan=True).order_by("istat_code")[:40])
        with transaction.atomic(), audit.reason("training demo data"):
            for spec in CATALOGUE:
                self._initiative(spec, rng, municipalities)
        self.stdout.write(self.style.SUCCESS(f"Training demo: {Edition.objects.count()} editions."))

    def _initiative(self, spec: dict[str, Any], rng: random.Random, municipalities: list[Municipality]) -> None:
        initiative = Initiative.objects.create(
            title=spec["title"],
            kind=spec["kind"],
            audience=spec["audience"],
            description=spec["description"],
            accessibility_notes="Sala accessibile senza barriere; anello a induzione su richiesta.",
        )
        initiative.topics.set([Topic.objects.get_or_create(name=name)[0] for name in spec["topics"]])
        now = timezone.now()
        # One past edition with attendance and certificates, one coming soon; the workshop also runs today, so the
        # check-in page has a session to work on.
        editions = [("Edizione autunno", -60), ("Edizione primavera", 20)]
        if spec["kind"] == InitiativeKind.WORKSHOP:
            editions.append(("Edizione di oggi", 0))
        for label, offset in editions:
            edition = Edition.objects.create(
                initiative=initiative,
                name=f"{label} {timezone.localtime(now + timedelta(days=offset)).year}",
                is_published=True,
                enrollment_mode=spec["mode"],
                capacity=spec["capacity"],
                certificate_rule=spec["rule"],
                certificate_min_percent=80 if spec["rule"] == CertificateRule.MIN_PERCENT else None,
            )
            day = timezone.localtime(now + timedelta(days=offset)).replace(hour=9, minute=30, second=0, microsecond=0)
            if offset == 0:
                day = timezone.localtime(now - timedelta(minutes=30)).replace(second=0, microsecond=0)
            for i, title in enumerate(spec["sessions"]):
                start = day + timedelta(days=7 * i)
                services.session_add(
                    edition=edition,
                    title=title,
                    starts_at=start,
                    ends_at=start + timedelta(hours=spec["hours"]),
                    break_minutes=30 if spec["hours"] >= 4 else 0,
                    venue=VENUES[i % len(VENUES)],
                    capacity=spec["capacity"] + 10,
                )
            edition.refresh_from_db()
            if spec.get("credits") and offset > 0:
                services.edition_accredit(
                    edition=edition,
                    accrediting_body="CROAS Lombardia",
                    cnoas_event_id=f"LOM-{edition.pk:05d}",
                    credits=spec["credits"],
                    ethics_credits=False,
                )
            if spec["kind"] == InitiativeKind.COURSE:
                role = Question.objects.create(
                    edition=edition,
                    position=1,
                    label="Lavori in un ente pubblico?",
                    kind=QuestionKind.YES_NO,
                    required=True,
                )
                Question.objects.create(
                    edition=edition,
                    position=2,
                    label="Quale ente?",
                    depends_on=role,
                    depends_value="yes",
                    required=True,
                )
            Survey.objects.create(
                edition=edition,
                questions=[
                    "Gli argomenti erano utili per il mio lavoro",
                    "I docenti erano chiari",
                    "L'organizzazione era buona",
                ],
            )
            self._people(edition, rng, municipalities, past=offset <= 0, attendance=offset < 0)

    def _people(
        self,
        edition: Edition,
        rng: random.Random,
        municipalities: list[Municipality],
        *,
        past: bool,
        attendance: bool,
    ) -> None:
        # Enroll "before" a past edition started: its sessions are shifted back in time only after enrolling.
        sessions = list(edition.sessions.all())
        shift = None
        if past:
            shift = sessions[0].starts_at - (timezone.now() + timedelta(days=30))
            for s in sessions:
                s.starts_at, s.ends_at = s.starts_at - shift, s.ends_at - shift
                s.save(update_fields=["starts_at", "ends_at"])
            services.edition_refresh_dates(edition=edition)
        count = edition.capacity + (4 if edition.capacity < 40 else -20)
        for i in range(count):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            answers: dict[str, str] = {}
            for q in edition.questions.all():
                answers[str(q.pk)] = "yes" if q.kind == QuestionKind.YES_NO else "Comune di Milano"
            enrollment = services.enrollment_create(
                edition=edition,
                full_name=f"{first} {last}",
                email=f"{first}.{last}.{edition.pk}.{i}@example.org".lower().replace(" ", ""),
                consent=True,
                municipality=rng.choice(municipalities) if municipalities else None,
                gender=rng.choice(["F", "F", "M", "X"]),
                answers=answers,
            )
            if enrollment.state == EnrollmentState.PENDING_APPROVAL and rng.random() < 0.8:
                services.enrollment_decide(enrollment=enrollment, approve=True)
        if shift is None:
            return
        for s in sessions:
            s.starts_at, s.ends_at = s.starts_at + shift, s.ends_at + shift
            s.save(update_fields=["starts_at", "ends_at"])
        services.edition_refresh_dates(edition=edition)
        edition.refresh_from_db()
        if not attendance:
            return
        for enrollment in edition.enrollments.filter(state=EnrollmentState.CONFIRMED):
            for s in sessions:
                status = rng.choices(["present", "late", "excused", "absent"], weights=[80, 8, 7, 5])[0]
                services.attendance_set(session=s, enrollment=enrollment, status=status, actor=None)
            enrollment.certificate_granted = edition.certificate_rule == CertificateRule.MANUAL
            enrollment.save(update_fields=["certificate_granted"])
            services.certificate_issue(enrollment=enrollment)
