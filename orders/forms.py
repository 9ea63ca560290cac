"""Checkout forms: validation and cleaning only."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experts.models import Expert


class CheckoutForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        error_messages={
            "required": _("Indiquez votre adresse e-mail."),
            "invalid": _("Cette adresse e-mail n’est pas valide."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=80,
        error_messages={"required": _("Indiquez votre prénom.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=80,
        error_messages={"required": _("Indiquez votre nom.")},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    expert = forms.ModelChoiceField(
        label=_("Votre expert"),
        queryset=Expert.objects.filter(is_active=True),
        to_field_name="slug",
        empty_label=None,
        error_messages={"invalid_choice": _("Choisissez un expert de la liste.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        house = Expert.house()
        if house and not self.is_bound:
            self.initial.setdefault("expert", house.slug)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


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
        if not number.isdigit() or not 12 <= len(number) <= 19:
            raise forms.ValidationError(_("Le numéro de carte doit contenir 12 à 19 chiffres."))
        return number

    def clean_expiry(self) -> str:
        match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", self.cleaned_data["expiry"])
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
