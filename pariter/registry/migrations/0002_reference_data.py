"""The seven sections of CTS art. 46 and the activities of general interest of CTS art. 5 c.1."""

from django.db import migrations

SECTIONS = [
    # letter, name, acronym, open-data label, combinable, three-yearly review
    ("a", "Organizzazioni di volontariato", "ODV", "ORGANIZZAZIONI DI VOLONTARIATO", False, True),
    ("b", "Associazioni di promozione sociale", "APS", "ASSOCIAZIONI DI PROMOZIONE SOCIALE", False, True),
    ("c", "Enti filantropici", "EF", "ENTI FILANTROPICI", False, True),
    ("d", "Imprese sociali, incluse le cooperative sociali", "IS", "IMPRESE SOCIALI", False, False),
    ("e", "Reti associative", "RA", "-", True, True),
    ("f", "Società di mutuo soccorso", "SMS", "SOCIETA' DI MUTUO SOCCORSO", False, False),
    ("g", "Altri enti del Terzo settore", "ETS", "ALTRI ENTI DEL TERZO SETTORE", False, True),
]

ACTIVITIES = [
    ("a", "Interventi e servizi sociali"),
    ("b", "Interventi e prestazioni sanitarie"),
    ("c", "Prestazioni socio-sanitarie"),
    ("d", "Educazione, istruzione e formazione professionale, e attività culturali di interesse sociale con finalità educativa"),
    ("e", "Interventi e servizi per la salvaguardia e il miglioramento dell'ambiente e l'uso accorto delle risorse naturali"),
    ("f", "Tutela e valorizzazione del patrimonio culturale e del paesaggio"),
    ("g", "Formazione universitaria e post-universitaria"),
    ("h", "Ricerca scientifica di particolare interesse sociale"),
    ("i", "Attività culturali, artistiche o ricreative di interesse sociale, incluse le attività editoriali e di promozione del volontariato"),
    ("j", "Radiodiffusione sonora a carattere comunitario"),
    ("k", "Attività turistiche di interesse sociale, culturale o religioso"),
    ("l", "Formazione extra-scolastica contro la dispersione scolastica, il bullismo e la povertà educativa"),
    ("m", "Servizi strumentali ad enti del Terzo settore"),
    ("n", "Cooperazione allo sviluppo"),
    ("o", "Attività a favore di filiere del commercio equo e solidale"),
    ("p", "Servizi per l'inserimento o il reinserimento nel mercato del lavoro di lavoratori e persone svantaggiati"),
    ("q", "Alloggio sociale e ogni altra attività di carattere residenziale temporaneo diretta a soddisfare bisogni sociali"),
    ("r", "Accoglienza umanitaria ed integrazione sociale dei migranti"),
    ("s", "Agricoltura sociale"),
    ("t", "Attività sportive dilettantistiche"),
    ("u", "Beneficenza, sostegno a distanza, cessione gratuita di alimenti o prodotti e erogazione di denaro, beni o servizi a persone svantaggiate"),
    ("v", "Promozione della cultura della legalità, della pace tra i popoli, della nonviolenza e della difesa non armata"),
    ("w", "Promozione e tutela dei diritti umani, civili, sociali e politici, delle pari opportunità e delle iniziative di aiuto reciproco"),
    ("x", "Cura di procedure di adozione internazionale"),
    ("y", "Protezione civile"),
    ("z", "Riqualificazione di beni pubblici inutilizzati o di beni confiscati alla criminalità organizzata"),
]


def forwards(apps, schema_editor):
    Section = apps.get_model("registry", "Section")
    Activity = apps.get_model("registry", "GeneralInterestActivity")
    Sequence = apps.get_model("registry", "RepertorySequence")
    for position, (letter, name, acronym, label, combinable, reviewed) in enumerate(SECTIONS):
        Section.objects.update_or_create(
            letter=letter,
            defaults={
                "name": name, "acronym": acronym, "opendata_label": label, "combinable": combinable,
                "reviewed_every_three_years": reviewed, "source": f"D.Lgs. 117/2017 art. 46 c.1 lett. {letter})",
                "position": position,
            },
        )
    for position, (letter, description) in enumerate(ACTIVITIES):
        Activity.objects.update_or_create(letter=letter, defaults={"description": description, "position": position})
    Sequence.objects.get_or_create(pk=1, defaults={"next_number": 1})


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
