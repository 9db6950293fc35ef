# ruff: noqa: E501  (prose: the demo texts are kept one sentence group per line, for review and translation)
"""Demo content of the public website: sections, three rights guides, news and FAQ, in Italian and English.

The texts are written for the demo from the sources of law each guide cites; amounts and time limits change
with budget laws, so the guides send readers to INPS for figures that move. Italian pages are created and
published first, then translated with Wagtail's own copy_for_translation, so the English versions are real
translations (same translation key) that the editor's "missing translations" views track.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from wagtail.models import Locale, Page

from pariter.core.models import Organisation, OrganisationKind
from pariter.website import cache
from pariter.website.models import (
    ArticlePage,
    FaqPage,
    GuideOffice,
    HomePage,
    OpenDataPage,
    RegisterSearchPage,
    RightsGuidePage,
    SectionPage,
)

CHECKED = dt.date(2026, 11, 20)
NORMATTIVA = "https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:"


def block(kind: str, value: Any) -> dict[str, Any]:
    return {"type": kind, "value": value, "id": str(uuid.uuid4())}


def paragraph(html: str) -> dict[str, Any]:
    return block("paragraph", html)


def callout(kind: str, title: str, text: str) -> dict[str, Any]:
    return block("callout", {"kind": kind, "title": title, "text": text})


def timeline(heading: str, steps: list[tuple[str, str, str]]) -> dict[str, Any]:
    return block(
        "timeline",
        {"heading": heading, "steps": [{"when": w, "title": t, "text": x} for w, t, x in steps]},
    )


def source(citation: str, urn: str = "") -> dict[str, Any]:
    return block("source", {"citation": citation, "url": NORMATTIVA + urn if urn else ""})


@dataclass
class Guide:
    slug: str
    text: dict[str, dict[str, Any]]  # language → fields
    sources: list[dict[str, Any]]
    office_kinds: list[str] = field(default_factory=list)


GUIDES = [
    Guide(
        slug="maternita-e-paternita",
        sources=[
            source(
                "D.lgs. 26 marzo 2001, n. 151 (Testo unico maternità e paternità), artt. 16, 22, 27-bis, 32, 34, 54, 55",
                "decreto.legislativo:2001-03-26;151",
            ),
            source(
                "D.lgs. 30 giugno 2022, n. 105 (attuazione della direttiva (UE) 2019/1158)",
                "decreto.legislativo:2022-06-30;105",
            ),
            source("Costituzione, art. 37", "costituzione"),
        ],
        text={
            "it": {
                "title": "Maternità e paternità: congedi e tutele",
                "summary": "Congedo di maternità, congedo di paternità, congedo parentale e divieto di licenziamento: che cosa spetta a chi lavora quando nasce o arriva in famiglia un bambino.",
                "who_for": "<p>Lavoratrici e lavoratori dipendenti, pubblici e privati, e, con regole proprie, le lavoratrici e i lavoratori iscritti alla Gestione separata INPS e gli autonomi. Le tutele valgono anche in caso di adozione e affidamento.</p>",
                "what": "<p><b>Congedo di maternità</b>: la lavoratrice non può lavorare nei 2 mesi prima della data presunta del parto e nei 3 mesi dopo (art. 16); può scegliere di restare al lavoro fino al parto o fino al mese prima, se il medico lo consente. Per questo periodo riceve un'indennità pari all'80% della retribuzione (art. 22).</p><p><b>Congedo di paternità obbligatorio</b>: il padre ha diritto a 10 giorni lavorativi, anche non consecutivi, dai 2 mesi prima ai 5 mesi dopo la nascita, pagati al 100% (art. 27-bis).</p><p><b>Congedo parentale</b>: fino ai 12 anni del figlio, ciascun genitore può assentarsi per un periodo retribuito in parte; una quota dei mesi non si può trasferire all'altro genitore (artt. 32 e 34).</p><p><b>Divieto di licenziamento</b>: dall'inizio della gravidanza fino a quando il bambino compie un anno la lavoratrice non può essere licenziata, salvo casi eccezionali (art. 54). Le dimissioni in questo periodo devono essere convalidate dall'Ispettorato del lavoro (art. 55).</p>",
                "how": [
                    timeline(
                        "I passaggi",
                        [
                            (
                                "Durante la gravidanza",
                                "Consegna il certificato medico",
                                "<p>Il medico invia il certificato di gravidanza all'INPS in via telematica; comunica al datore di lavoro la data presunta del parto.</p>",
                            ),
                            (
                                "Prima dell'inizio del congedo",
                                "Fai domanda all'INPS",
                                "<p>La domanda si presenta online sul sito dell'INPS, con SPID, CIE o CNS, oppure tramite un patronato.</p>",
                            ),
                            (
                                "Entro 30 giorni dal parto",
                                "Comunica la nascita",
                                "<p>Comunica all'INPS la data di nascita del figlio.</p>",
                            ),
                        ],
                    ),
                    callout(
                        "note",
                        "Importi e mesi indennizzati",
                        "<p>Le leggi di bilancio degli ultimi anni hanno aumentato l'indennità di alcuni mesi di congedo parentale. Verifica gli importi aggiornati sul sito dell'INPS o presso un patronato.</p>",
                    ),
                ],
                "where": "<p>INPS, i patronati e, per le discriminazioni legate alla maternità, la consigliera di parità della Città metropolitana di Milano.</p>",
            },
            "en": {
                "title": "Maternity and paternity: leave and protection",
                "summary": "Maternity leave, paternity leave, parental leave and the ban on dismissal: what working parents are entitled to when a child is born or joins the family.",
                "who_for": "<p>Employees in the public and private sectors and, under their own rules, workers registered with the INPS Gestione separata and the self-employed. The protections also apply to adoption and foster care.</p>",
                "what": "<p><b>Maternity leave</b>: the mother may not work in the 2 months before the expected date of birth and the 3 months after it (art. 16); she may choose to keep working until the birth, or until one month before it, if her doctor agrees. She receives an allowance of 80% of her pay (art. 22).</p><p><b>Compulsory paternity leave</b>: the father is entitled to 10 working days, not necessarily consecutive, from 2 months before to 5 months after the birth, paid at 100% (art. 27-bis).</p><p><b>Parental leave</b>: until the child turns 12, each parent may take partly paid leave; part of it cannot be transferred to the other parent (arts. 32 and 34).</p><p><b>Ban on dismissal</b>: from the start of the pregnancy until the child's first birthday the mother cannot be dismissed, except in exceptional cases (art. 54). A resignation in this period must be confirmed before the Labour Inspectorate (art. 55).</p>",
                "how": [
                    timeline(
                        "The steps",
                        [
                            (
                                "During pregnancy",
                                "Hand in the medical certificate",
                                "<p>The doctor sends the pregnancy certificate to INPS online; tell your employer the expected date of birth.</p>",
                            ),
                            (
                                "Before the leave starts",
                                "Apply to INPS",
                                "<p>Apply online on the INPS website with SPID, CIE or CNS, or through a patronato.</p>",
                            ),
                            (
                                "Within 30 days of the birth",
                                "Report the birth",
                                "<p>Tell INPS the child's date of birth.</p>",
                            ),
                        ],
                    ),
                    callout(
                        "note",
                        "Amounts and paid months",
                        "<p>Recent budget laws raised the allowance for some months of parental leave. Check the current amounts on the INPS website or with a patronato.</p>",
                    ),
                ],
                "where": "<p>INPS, the patronati and, for discrimination linked to maternity, the equality adviser (consigliera di parità) of Città metropolitana di Milano.</p>",
            },
        },
    ),
    Guide(
        slug="sostegno-alle-vittime-di-violenza",
        office_kinds=[OrganisationKind.ANTI_VIOLENCE_CENTRE],
        sources=[
            source("Legge 15 ottobre 2013, n. 119 (contrasto della violenza di genere)", "legge:2013-10-15;119"),
            source("Legge 19 luglio 2019, n. 69 («Codice rosso»)", "legge:2019-07-19;69"),
            source(
                "D.L. 19 maggio 2020, n. 34, art. 105-bis (reddito di libertà), convertito dalla legge 17 luglio 2020, n. 77",
                "decreto.legge:2020-05-19;34",
            ),
            source(
                "D.lgs. 15 giugno 2015, n. 80, art. 24 (congedo per le donne vittime di violenza di genere)",
                "decreto.legislativo:2015-06-15;80",
            ),
            source(
                "D.lgs. 25 luglio 1998, n. 286, art. 18-bis (permesso di soggiorno per le vittime di violenza domestica)",
                "decreto.legislativo:1998-07-25;286",
            ),
        ],
        text={
            "it": {
                "title": "Sostegno alle donne vittime di violenza",
                "summary": "Il numero 1522, i centri antiviolenza, il reddito di libertà e il congedo retribuito: gli aiuti per uscire dalla violenza.",
                "who_for": "<p>Donne che subiscono violenza fisica, sessuale, psicologica o economica, anche da parte del partner o dell'ex partner, e chi vuole aiutarle. I servizi sono gratuiti e riservati.</p>",
                "what": "<p>Il <b>1522</b> è il numero nazionale gratuito antiviolenza e antistalking: risponde 24 ore su 24, in più lingue, e indirizza ai centri antiviolenza del territorio.</p><p>I <b>centri antiviolenza</b> offrono ascolto, consulenza legale e psicologica, orientamento al lavoro e, con le case rifugio, un luogo sicuro dove stare.</p><p>Il <b>reddito di libertà</b> è un contributo economico dell'INPS per le donne seguite da un centro antiviolenza, per sostenere l'autonomia abitativa e personale (art. 105-bis D.L. 34/2020).</p><p>Le lavoratrici dipendenti inserite in un percorso di protezione hanno diritto a un <b>congedo retribuito</b> fino a 90 giorni lavorativi (art. 24 D.lgs. 80/2015).</p><p>Le straniere vittime di violenza domestica possono ottenere uno speciale <b>permesso di soggiorno</b> (art. 18-bis D.lgs. 286/1998).</p>",
                "how": [
                    callout(
                        "danger",
                        "In caso di pericolo",
                        "<p>Chiama subito il <b>112</b>. Per un aiuto o un consiglio, anche in forma anonima, chiama il <b>1522</b>.</p>",
                    ),
                    paragraph(
                        "<p>Puoi rivolgerti direttamente a un centro antiviolenza, senza bisogno di una denuncia. Il centro concorda con te un percorso e, se serve, ti aiuta a chiedere il reddito di libertà: la domanda all'INPS si presenta tramite il Comune di residenza, con la dichiarazione del centro che ti segue.</p>"
                    ),
                ],
                "where": "<p>Il 1522, i centri antiviolenza della rete metropolitana elencati qui sotto, i servizi sociali del Comune, le forze dell'ordine e i pronto soccorso.</p>",
            },
            "en": {
                "title": "Support for women who suffer violence",
                "summary": "The 1522 helpline, the anti-violence centres, the reddito di libertà and paid leave: the help available to leave violence behind.",
                "who_for": "<p>Women who suffer physical, sexual, psychological or economic violence, including from a partner or former partner, and anyone who wants to help them. The services are free and confidential.</p>",
                "what": "<p><b>1522</b> is the free national anti-violence and anti-stalking helpline: it answers 24 hours a day, in several languages, and refers callers to local anti-violence centres.</p><p><b>Anti-violence centres</b> offer listening, legal and psychological advice, help finding work and, with their shelters, a safe place to stay.</p><p>The <b>reddito di libertà</b> is an INPS allowance for women supported by an anti-violence centre, to help them live independently (art. 105-bis of Decree-Law 34/2020).</p><p>Employees on a protection pathway are entitled to <b>paid leave</b> of up to 90 working days (art. 24 of Legislative Decree 80/2015).</p><p>Foreign women who are victims of domestic violence may obtain a special <b>residence permit</b> (art. 18-bis of Legislative Decree 286/1998).</p>",
                "how": [
                    callout(
                        "danger",
                        "If you are in danger",
                        "<p>Call <b>112</b> at once. For help or advice, anonymously if you wish, call <b>1522</b>.</p>",
                    ),
                    paragraph(
                        "<p>You can go straight to an anti-violence centre: you do not need to report the violence first. The centre agrees a pathway with you and, if needed, helps you apply for the reddito di libertà: the application to INPS goes through your municipality, with a statement from the centre supporting you.</p>"
                    ),
                ],
                "where": "<p>1522, the anti-violence centres of the metropolitan network listed below, your municipality's social services, the police and hospital emergency departments.</p>",
            },
        },
    ),
    Guide(
        slug="parita-di-trattamento-sul-lavoro",
        sources=[
            source(
                "D.lgs. 11 aprile 2006, n. 198 (Codice delle pari opportunità), artt. 25-28, 36-38",
                "decreto.legislativo:2006-04-11;198",
            ),
            source(
                "D.lgs. 9 luglio 2003, n. 216 (parità di trattamento in materia di occupazione)",
                "decreto.legislativo:2003-07-09;216",
            ),
            source(
                "Legge 5 novembre 2021, n. 162 (parità salariale e certificazione della parità di genere)",
                "legge:2021-11-05;162",
            ),
            source("Costituzione, artt. 3 e 37", "costituzione"),
        ],
        text={
            "it": {
                "title": "Parità di trattamento sul lavoro",
                "summary": "Nessuno può essere discriminato per sesso, età, religione, disabilità o orientamento sessuale nell'accesso al lavoro, nella retribuzione e nella carriera.",
                "who_for": "<p>Chi cerca lavoro e chi lavora, come dipendente o collaboratore, nel settore pubblico o privato.</p>",
                "what": "<p>La legge vieta le discriminazioni <b>dirette</b> (un trattamento meno favorevole per il sesso o per un altro fattore protetto) e <b>indirette</b> (una regola in apparenza neutra che svantaggia un gruppo) (art. 25 Codice delle pari opportunità). Sono discriminazioni anche le molestie e le molestie sessuali (art. 26).</p><p>Il divieto riguarda l'accesso al lavoro, la retribuzione, le qualifiche, la carriera e la formazione (artt. 27-28). Il D.lgs. 216/2003 estende la tutela a religione, convinzioni personali, disabilità, età e orientamento sessuale.</p>",
                "how": [
                    timeline(
                        "Che cosa puoi fare",
                        [
                            (
                                "Subito",
                                "Raccogli le prove",
                                "<p>Conserva comunicazioni, buste paga, annunci e i nomi di chi ha assistito ai fatti. In giudizio bastano elementi di fatto, anche statistici, che rendano plausibile la discriminazione: spetta al datore di lavoro provare il contrario (art. 40).</p>",
                            ),
                            (
                                "Quando vuoi",
                                "Chiedi aiuto alla consigliera di parità",
                                "<p>La consigliera di parità della Città metropolitana può tentare una conciliazione e agire in giudizio al tuo fianco o su tua delega (art. 36).</p>",
                            ),
                            (
                                "Nei casi urgenti",
                                "Ricorri al giudice del lavoro",
                                "<p>Con il ricorso d'urgenza dell'art. 38 il giudice può ordinare di cessare il comportamento e di rimuoverne gli effetti.</p>",
                            ),
                        ],
                    ),
                ],
                "where": "<p>La consigliera di parità della Città metropolitana di Milano, i sindacati, i patronati e l'Ispettorato territoriale del lavoro.</p>",
            },
            "en": {
                "title": "Equal treatment at work",
                "summary": "Nobody may be discriminated against because of sex, age, religion, disability or sexual orientation in access to work, pay and career.",
                "who_for": "<p>Job seekers and workers, whether employees or contractors, in the public or private sector.</p>",
                "what": "<p>The law bans <b>direct</b> discrimination (less favourable treatment because of sex or another protected ground) and <b>indirect</b> discrimination (an apparently neutral rule that puts a group at a disadvantage) (art. 25 of the Equal Opportunities Code). Harassment and sexual harassment are discrimination too (art. 26).</p><p>The ban covers access to work, pay, job grades, career and training (arts. 27-28). Legislative Decree 216/2003 extends protection to religion, belief, disability, age and sexual orientation.</p>",
                "how": [
                    timeline(
                        "What you can do",
                        [
                            (
                                "At once",
                                "Gather evidence",
                                "<p>Keep messages, payslips, job adverts and the names of witnesses. In court, facts that make discrimination plausible, statistics included, are enough: the employer must then prove otherwise (art. 40).</p>",
                            ),
                            (
                                "Whenever you wish",
                                "Ask the equality adviser for help",
                                "<p>The equality adviser (consigliera di parità) of Città metropolitana can attempt conciliation and take legal action with you or on your behalf (art. 36).</p>",
                            ),
                            (
                                "In urgent cases",
                                "Apply to the labour court",
                                "<p>With the urgent procedure of art. 38 the court can order the conduct to stop and its effects to be removed.</p>",
                            ),
                        ],
                    ),
                ],
                "where": "<p>The equality adviser of Città metropolitana di Milano, the trade unions, the patronati and the local Labour Inspectorate.</p>",
            },
        },
    ),
]

NEWS = [
    (
        dt.date(2026, 11, 25),
        "25-novembre-giornata-contro-la-violenza-sulle-donne",
        {
            "it": (
                "25 novembre, Giornata internazionale per l'eliminazione della violenza contro le donne",
                "La giornata istituita dalle Nazioni Unite nel 1999: i servizi della rete antiviolenza metropolitana e il numero 1522.",
                "<p>L'Assemblea generale delle Nazioni Unite ha istituito la giornata con la risoluzione 54/134 del 17 dicembre 1999. Ricordiamo che il 1522 risponde 24 ore su 24 e che i centri antiviolenza della rete metropolitana offrono ascolto e aiuto gratuiti.</p>",
            ),
            "en": (
                "25 November, International Day for the Elimination of Violence against Women",
                "The day established by the United Nations in 1999: the services of the metropolitan anti-violence network and the 1522 helpline.",
                "<p>The United Nations General Assembly established the day with resolution 54/134 of 17 December 1999. The 1522 helpline answers 24 hours a day, and the anti-violence centres of the metropolitan network offer free listening and help.</p>",
            ),
        },
    ),
    (
        dt.date(2026, 10, 15),
        "registro-unico-del-terzo-settore-come-consultarlo",
        {
            "it": (
                "Il Registro unico nazionale del Terzo settore: come consultarlo",
                "Il RUNTS è pubblico: su questo sito puoi cercare gli enti con sede nella città metropolitana.",
                "<p>Il Registro unico nazionale del Terzo settore (art. 45 del Codice del Terzo settore, D.lgs. 117/2017) è operativo dal 23 novembre 2021. Chiunque può consultarne i dati pubblici; su Pariter trovi gli enti con sede nell'area metropolitana di Milano, anche come dati aperti.</p>",
            ),
            "en": (
                "The national Third-sector register: how to look it up",
                "The RUNTS is public: on this site you can search the entities based in the metropolitan area.",
                "<p>The national Third-sector register (art. 45 of the Third Sector Code, Legislative Decree 117/2017) has been running since 23 November 2021. Anyone may consult its public data; on Pariter you find the entities based in the metropolitan area of Milan, also as open data.</p>",
            ),
        },
    ),
    (
        dt.date(2026, 9, 1),
        "congedo-di-paternita-dieci-giorni",
        {
            "it": (
                "Congedo di paternità: dieci giorni pagati al 100%",
                "Dal 2022 il congedo obbligatorio del padre è di dieci giorni lavorativi: ecco quando si usa.",
                "<p>Il D.lgs. 105/2022 ha introdotto nel Testo unico maternità e paternità l'art. 27-bis: il padre lavoratore dipendente ha diritto a dieci giorni lavorativi di congedo, dai due mesi prima ai cinque mesi dopo la nascita, con un'indennità pari al 100% della retribuzione.</p>",
            ),
            "en": (
                "Paternity leave: ten days paid at 100%",
                "Since 2022 a father's compulsory leave is ten working days: here is when to take it.",
                "<p>Legislative Decree 105/2022 added art. 27-bis to the consolidated act on maternity and paternity: an employed father is entitled to ten working days of leave, from two months before to five months after the birth, with an allowance of 100% of pay.</p>",
            ),
        },
    ),
]

FAQ = {
    "it": [
        (
            "Il 1522 è gratuito?",
            "<p>Sì. Il 1522 è gratuito da rete fissa e mobile, attivo 24 ore su 24 tutti i giorni, e risponde anche in inglese, francese, spagnolo, arabo e altre lingue.</p>",
        ),
        (
            "Devo denunciare per rivolgermi a un centro antiviolenza?",
            "<p>No. I centri antiviolenza accolgono anche chi non ha sporto denuncia; sei tu a decidere il percorso.</p>",
        ),
        (
            "Chi è la consigliera di parità?",
            "<p>È la figura pubblica che promuove la parità tra donne e uomini nel lavoro e contrasta le discriminazioni (D.lgs. 198/2006, artt. 12-20). Ce n'è una per ogni città metropolitana e provincia.</p>",
        ),
        (
            "Come si iscrive un ente al Registro unico del Terzo settore?",
            "<p>Il legale rappresentante presenta la domanda in via telematica all'ufficio del RUNTS della regione, con l'atto costitutivo e lo statuto (D.lgs. 117/2017, art. 47; D.M. 15 settembre 2020, n. 106).</p>",
        ),
        (
            "Posso scaricare i dati del registro?",
            "<p>Sì: il catalogo dei dati aperti pubblica ogni giorno l'elenco degli enti in CSV, XLSX e JSON, con licenza CC BY 4.0.</p>",
        ),
    ],
    "en": [
        (
            "Is 1522 free?",
            "<p>Yes. 1522 is free from landlines and mobiles, open 24 hours a day every day, and also answers in English, French, Spanish, Arabic and other languages.</p>",
        ),
        (
            "Do I have to report the violence to go to an anti-violence centre?",
            "<p>No. Anti-violence centres also welcome women who have not reported the violence; you decide the pathway.</p>",
        ),
        (
            "Who is the equality adviser?",
            "<p>The consigliera di parità is the public officer who promotes equality between women and men at work and fights discrimination (Legislative Decree 198/2006, arts. 12-20). There is one for every metropolitan city and province.</p>",
        ),
        (
            "How does an entity join the national Third-sector register?",
            "<p>The legal representative applies online to the regional RUNTS office, with the deed of incorporation and the statute (Legislative Decree 117/2017, art. 47; Ministerial Decree 106 of 15 September 2020).</p>",
        ),
        (
            "Can I download the register's data?",
            "<p>Yes: the open-data catalogue publishes the list of entities every day in CSV, XLSX and JSON, under the CC BY 4.0 licence.</p>",
        ),
    ],
}

SECTIONS = {
    "diritti": {
        "it": (
            "Diritti",
            "Guide ai diritti di lavoratrici, lavoratori e cittadini: parità, maternità e paternità, sostegno alle vittime di violenza.",
        ),
        "en": (
            "Rights",
            "Guides to the rights of workers and citizens: equal treatment, maternity and paternity, support for victims of violence.",
        ),
    },
    "notizie": {
        "it": ("Notizie", "Le notizie del Servizio formazione per il sociale, terzo settore e pari opportunità."),
        "en": ("News", "News from the Servizio formazione per il sociale, terzo settore e pari opportunità."),
    },
}


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    return page


def _child(parent: Page, slug: str) -> Page | None:
    return parent.get_children().filter(slug=slug).first()


def _translate(page: Page, locale: Locale, fields: dict[str, Any]) -> Page:
    """The page's English version: Wagtail's translation copy, filled in and published."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing
    translated = page.specific.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translated, name, value)
    return _publish(translated)


@transaction.atomic
def build() -> dict[str, int]:
    """Create whatever demo page is missing; existing pages are left as editors left them."""
    it = Locale.objects.get(language_code="it")
    en = Locale.objects.get(language_code="en")
    home = HomePage.objects.get(locale=it)
    created = {"pages": 0}

    def add(parent: Page, page: Page) -> Page:
        found = _child(parent, page.slug)
        if found is not None:
            return found.specific
        page.show_in_menus = parent.depth == 2  # the sections of the home page are the site's menu
        parent.add_child(instance=page)
        created["pages"] += 1
        return _publish(page)

    sections = {}
    for slug, text in SECTIONS.items():
        title, summary = text["it"]
        section = add(home, SectionPage(title=title, slug=slug, summary=summary, newest_first=slug == "notizie"))
        _translate(section, en, {"title": text["en"][0], "summary": text["en"][1]})
        sections[slug] = section

    for guide in GUIDES:
        fields = {lang: _guide_fields(guide, lang) for lang in ("it", "en")}
        page = add(sections["diritti"], RightsGuidePage(slug=guide.slug, last_checked=CHECKED, **fields["it"]))
        if not page.offices.exists() and guide.office_kinds:
            for order, organisation in enumerate(
                Organisation.objects.filter(kind__in=guide.office_kinds).order_by("name")[:4]
            ):
                GuideOffice.objects.create(page=page, organisation=organisation, sort_order=order)
        _translate(page, en, fields["en"])

    for day, slug, news_text in NEWS:
        title, summary, body = news_text["it"]
        article = add(
            sections["notizie"], ArticlePage(title=title, slug=slug, date=day, summary=summary, body=[paragraph(body)])
        )
        en_title, en_summary, en_body = news_text["en"]
        _translate(article, en, {"title": en_title, "summary": en_summary, "body": [paragraph(en_body)]})

    faq = add(
        home,
        FaqPage(
            title="Domande frequenti",
            slug="domande-frequenti",
            summary="Le risposte alle domande che ci fate più spesso.",
            questions=[block("faq", {"question": q, "answer": a}) for q, a in FAQ["it"]],
        ),
    )
    _translate(
        faq,
        en,
        {
            "title": "Frequently asked questions",
            "summary": "Answers to the questions we are asked most often.",
            "questions": [block("faq", {"question": q, "answer": a}) for q, a in FAQ["en"]],
        },
    )

    register = add(
        home,
        RegisterSearchPage(
            title="Cerca nel Registro del Terzo settore",
            slug="cerca-nel-registro",
            summary="Gli enti del Terzo settore iscritti al RUNTS con sede nella Città metropolitana di Milano.",
        ),
    )
    _translate(
        register,
        en,
        {
            "title": "Search the Third-sector register",
            "summary": "The third-sector entities in the RUNTS with their registered office in Città metropolitana di Milano.",
        },
    )
    opendata = add(
        home,
        OpenDataPage(
            title="Catalogo dei dati aperti",
            slug="catalogo-dati-aperti",
            summary="Tutti i dati che Pariter pubblica, con licenza CC BY 4.0 e metadati DCAT-AP_IT.",
        ),
    )
    _translate(
        opendata,
        en,
        {
            "title": "Open-data catalogue",
            "summary": "Every dataset Pariter publishes, under the CC BY 4.0 licence with DCAT-AP_IT metadata.",
        },
    )
    cache.bump()
    return created


def _guide_fields(guide: Guide, language: str) -> dict[str, Any]:
    text = guide.text[language]
    return {
        "title": text["title"],
        "summary": text["summary"],
        "who_for": text["who_for"],
        "what": text["what"],
        "how_to_claim": text["how"],
        "where_to_go": text["where"],
        "sources": guide.sources,
    }
