"""The default catalogue's words, for the translation catalogue.

Offers and experts are rows an admin edits, in French. Templates pass their names, features,
specialties and presentations through `{% translate %}`: a row still holding the default French
text reads in the visitor's language, and a row an admin rewrote shows as written.
"""

from django.utils.translation import gettext_noop

CATALOGUE_STRINGS = (
    # Offers (orders/migrations/0002_default_offers.py)
    gettext_noop("Niveau Initié"),
    gettext_noop("Niveau Mystique"),
    gettext_noop("Niveau Profond"),
    gettext_noop("Niveau Intégrale"),
    gettext_noop("Simple"),
    gettext_noop("Intuitive"),
    gettext_noop("Alchimique"),
    gettext_noop("Intégrale"),
    gettext_noop("Lecture spirituelle personnalisée"),
    gettext_noop("Votre archétype dominant"),
    gettext_noop("Accès à votre Sanctuaire"),
    gettext_noop("Tout le niveau Initié"),
    gettext_noop("Un rituel personnalisé"),
    gettext_noop("Lecture intuitive approfondie"),
    gettext_noop("Tout le niveau Mystique"),
    gettext_noop("Analyse de vos blocages"),
    gettext_noop("Lecture audio enregistrée"),
    gettext_noop("Tout le niveau Profond"),
    gettext_noop("Votre profil d’âme"),
    gettext_noop("Mandala personnel"),
    gettext_noop("Synthèse PDF à conserver"),
    # Experts (experts/migrations/0002_house_expert.py, 0005_house_expert_bio.py, seed_demo)
    gettext_noop("tarot"),
    gettext_noop("astrologie"),
    gettext_noop("numérologie"),
    gettext_noop("tarot de Marseille"),
    gettext_noop(
        "L’équipe d’Oracle Lumira : des lecteurs formés au tarot, à l’astrologie et à la "
        "numérologie, qui croisent ces trois regards pour chaque lecture."
    ),
    gettext_noop(
        "Vingt ans de tarot et d’astrologie ; elle lit ce qui se noue entre votre "
        "histoire et le ciel de votre naissance."
    ),
)
