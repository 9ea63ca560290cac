"""The four legal pages, version 1, for an admin to complete before opening the shop."""

from django.db import migrations
from django.utils import timezone

PAGES = [
    (
        "mentions-legales",
        "Mentions légales",
        "Éditeur du site : Oracle Lumira (à compléter : forme juridique, capital, adresse du "
        "siège, SIRET, directeur de la publication).\n\n"
        "Hébergeur : à compléter (nom, adresse, téléphone).\n\n"
        "Contact : contact@oraclelumira.com",
    ),
    (
        "cgv",
        "Conditions générales de vente",
        "Article 1 — Objet. Les présentes conditions régissent la vente des lectures "
        "personnalisées proposées par Oracle Lumira.\n\n"
        "Article 2 — Prix. Les prix sont indiqués en euros, toutes taxes comprises. TVA non "
        "applicable, art. 293 B du CGI.\n\n"
        "Article 3 — Commande et paiement. Le paiement est encaissé par Stripe au moment de la "
        "commande.\n\n"
        "Article 4 — Exécution. La lecture est préparée par un expert après réception du "
        "formulaire et livrée dans l’espace privé du client (Sanctuaire) dans le délai annoncé.\n\n"
        "Article 5 — Droit de rétractation. La lecture est un contenu numérique fourni sans "
        "support matériel. En demandant expressément que son exécution commence avant la fin du "
        "délai de rétractation de 14 jours, le client reconnaît perdre son droit de rétractation "
        "(Code de la consommation, art. L221-28 13°).\n\n"
        "Article 6 — Réclamations. contact@oraclelumira.com. Médiateur de la consommation : à "
        "compléter.",
    ),
    (
        "confidentialite",
        "Politique de confidentialité",
        "Responsable du traitement : Oracle Lumira, contact@oraclelumira.com.\n\n"
        "Données traitées : identité, adresse e-mail, date, heure et lieu de naissance, "
        "question, photos transmises, paiement (traité par Stripe ; nous ne voyons jamais votre "
        "carte).\n\n"
        "Finalité : préparer et livrer votre lecture, sur la base de votre consentement et du "
        "contrat. Les photos sont effacées 90 jours après la livraison, sauf si vous demandez à "
        "les garder.\n\n"
        "Durée : les données comptables sont conservées 10 ans ; le reste jusqu’à votre demande "
        "d’effacement, possible depuis votre Sanctuaire.\n\n"
        "Vos droits : accès, rectification, effacement, portabilité, opposition — écrivez-nous. "
        "Vous pouvez saisir la CNIL.",
    ),
    (
        "contact",
        "Contact",
        "Une question sur une commande ? Écrivez-nous à contact@oraclelumira.com en indiquant "
        "votre numéro de commande : nous répondons sous deux jours ouvrés.",
    ),
]


def create_pages(apps, schema_editor):
    LegalPage = apps.get_model("legal", "LegalPage")
    LegalPageVersion = apps.get_model("legal", "LegalPageVersion")
    now = timezone.now()
    for slug, title, body in PAGES:
        if LegalPage.objects.filter(slug=slug).exists():
            continue
        page = LegalPage.objects.create(slug=slug, title=title, body=body, version=1, updated_at=now)
        LegalPageVersion.objects.create(page=page, number=1, title=title, body=body, created_at=now)


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_initial")]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
