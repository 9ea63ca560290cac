"""Sanctuaire forms: validation and cleaning only."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.forms import ClientNameForm, date_of_birth_field


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        max_length=254,
        help_text=_("Celle de votre commande : nous y envoyons un lien de connexion."),
        error_messages={
            "required": _("Indiquez votre adresse e-mail."),
            "invalid": _("Cette adresse e-mail n’est pas valide."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    next = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class ProfileForm(ClientNameForm):
    date_of_birth = date_of_birth_field()

    def clean_first_name(self) -> str:
        return self._required_text("first_name", _("Indiquez votre prénom."))

    def clean_last_name(self) -> str:
        return self._required_text("last_name", _("Indiquez votre nom."))

    def _required_text(self, name: str, message: str) -> str:
        value = self.cleaned_data[name].strip()
        if not value:
            raise forms.ValidationError(message)
        return value

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("La date de naissance ne peut pas être dans le futur."))
        if value.year < 1900:
            raise forms.ValidationError(_("Indiquez une date de naissance après 1900."))
        return value


class DeletionForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Je comprends que mes données personnelles, mes lectures et mes fichiers seront "
            "effacés définitivement."
        ),
        error_messages={"required": _("Cochez la case pour confirmer votre demande.")},
    )
