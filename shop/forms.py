"""The tunnel's own forms: the checkout (the experts on offer), the payment step's consent
and the demo card."""

import re

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from experts.models import Expert
from orders.forms import ClientNameForm


class CheckoutForm(ClientNameForm):
    field_order = ["email", "first_name", "last_name", "expert"]

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        error_messages={
            "required": _("Indiquez votre adresse e-mail."),
            "invalid": _("Cette adresse e-mail n’est pas valide."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    expert = forms.ChoiceField(
        label=_("Votre expert"),
        error_messages={"invalid_choice": _("Choisissez un expert de la liste.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The house expert first (the model's ordering), and chosen unless the client picks.
        experts = Expert.objects.filter(is_active=True).only("slug", "name", "is_house")
        self.experts = {expert.slug: expert for expert in experts}
        self.fields["expert"].choices = [(slug, e.name) for slug, e in self.experts.items()]
        self.fields["expert"].initial = next(
            (slug for slug, expert in self.experts.items() if expert.is_house), None
        )

    def clean_expert(self) -> Expert:
        return self.experts[self.cleaned_data["expert"]]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class ConsentForm(forms.Form):
    """The two boxes of the payment step (SPEC §6.1), both required, labels linking the CGV."""

    accept_terms = forms.BooleanField(
        error_messages={
            "required": _("Cochez cette case pour accepter les conditions générales de vente.")
        },
    )
    waive_withdrawal = forms.BooleanField(
        label=_(
            "Je demande que ma lecture soit préparée dès maintenant, avant la fin du délai de "
            "rétractation de 14 jours, et je reconnais perdre mon droit de rétractation une fois "
            "la commande passée (art. L221-28 13° du Code de la consommation)."
        ),
        error_messages={
            "required": _(
                "Cochez cette case : votre lecture ne peut commencer sans votre demande expresse."
            )
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cgv = reverse("legal:page", args=["cgv"])
        self.fields["accept_terms"].label = format_html(
            _("J’ai lu et j’accepte les {}."),
            format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a>',
                cgv,
                _("conditions générales de vente"),
            ),
        )


class DemoCardForm(forms.Form):
    """The demo card form: shaped like a card form, validated like Stripe.js would."""

    card_number = forms.CharField(
        label=_("Numéro de carte"),
        max_length=23,
        error_messages={"required": _("Indiquez le numéro de carte.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "cc-number",
                "inputmode": "numeric",
                "placeholder": "4242 4242 4242 4242",
            }
        ),
    )
    expiry = forms.CharField(
        label=_("Expiration (MM/AA)"),
        max_length=7,
        error_messages={"required": _("Indiquez la date d’expiration.")},
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "placeholder": "12/34"}),
    )
    cvc = forms.CharField(
        label=_("Cryptogramme"),
        max_length=4,
        error_messages={"required": _("Indiquez le cryptogramme.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "cc-csc", "inputmode": "numeric", "placeholder": "123"}
        ),
    )

    def clean_card_number(self) -> str:
        number = re.sub(r"[\s-]", "", self.cleaned_data["card_number"])
        # isascii(): str.isdigit() also accepts "²" and "①", which int() refuses.
        if not (number.isascii() and number.isdigit()) or not 12 <= len(number) <= 19:
            raise forms.ValidationError(_("Le numéro de carte doit contenir 12 à 19 chiffres."))
        return number

    def clean_expiry(self) -> str:
        # "12/30", "12 / 2030", and "1230" as typed on a phone without the slash.
        match = re.fullmatch(r"\s*(\d{1,2})\s*/?\s*(\d{2}|\d{4})\s*", self.cleaned_data["expiry"])
        if not match or not 1 <= int(match[1]) <= 12:
            raise forms.ValidationError(_("Date d’expiration invalide (MM/AA)."))
        month, year = int(match[1]), int(match[2][-2:]) + 2000
        today = timezone.localdate()
        if (year, month) < (today.year, today.month):
            raise forms.ValidationError(_("Cette carte a expiré."))
        return f"{month:02d}/{year % 100:02d}"

    def clean_cvc(self) -> str:
        cvc = self.cleaned_data["cvc"].strip()
        if not re.fullmatch(r"\d{3,4}", cvc):
            raise forms.ValidationError(_("Le cryptogramme compte 3 ou 4 chiffres."))
        return cvc
