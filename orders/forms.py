"""Client forms that need only the order: the name and birth date (the Sanctuaire uses them
too) and the intake form. Validation and cleaning only."""

import re

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from orders import whatsapp
from orders.intake import MAX_PHOTOS, CleanPhoto, PhotoRefused, clean_photo
from orders.models import Order


def date_of_birth_field() -> forms.DateField:
    """The date of birth as the intake form and the Sanctuaire profile both ask it."""
    return forms.DateField(
        label=_("Date de naissance"),
        error_messages={
            "required": _("Indiquez votre date de naissance."),
            "invalid": _("Date de naissance invalide (JJ/MM/AAAA)."),
        },
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )


class ClientNameForm(forms.Form):
    """First and last name, as the tunnel and the Sanctuaire profile both ask them."""

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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Zero to MAX_PHOTOS images, each decoded and re-encoded by orders.intake.clean_photo."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list[CleanPhoto]:
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(uploads) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("Vous pouvez joindre %(count)d photos au maximum.") % {"count": MAX_PHOTOS}
            )
        cleaned, errors = [], []
        for upload in uploads:
            try:
                super().clean(upload, initial)  # a real, non-empty file with a sane name
                cleaned.append(clean_photo(upload))
            except forms.ValidationError as error:
                errors.extend(error.messages)
            except PhotoRefused as refused:
                errors.append(refused.message)
        if errors:
            raise forms.ValidationError(
                [*errors, _("Choisissez à nouveau vos photos : aucune n’a été enregistrée.")]
            )
        return cleaned


PHONE_PATTERN = re.compile(r"\+?[0-9][0-9 .()-]{5,22}")


class IntakeForm(forms.Form):
    """What the client tells us once paid (SPEC §5 intake). Photos are checked by content."""

    date_of_birth = date_of_birth_field()
    birth_time = forms.TimeField(
        label=_("Heure de naissance"),
        required=False,
        help_text=_("Si vous la connaissez : elle affine la lecture."),
        error_messages={"invalid": _("Heure de naissance invalide (HH:MM).")},
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    birth_place = forms.CharField(
        label=_("Lieu de naissance"),
        max_length=160,
        help_text=_("Ville et pays."),
        error_messages={
            "required": _("Indiquez votre lieu de naissance."),
            "max_length": _("160 caractères au maximum."),
        },
    )
    question = forms.CharField(
        label=_("Votre question"),
        min_length=10,
        max_length=2000,
        help_text=_("Ce que vous souhaitez éclairer avec cette lecture."),
        error_messages={
            "required": _("Posez la question que vous souhaitez éclairer."),
            "min_length": _("Votre question doit compter au moins 10 caractères."),
            "max_length": _("Votre question doit tenir en 2000 caractères."),
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    life_question = forms.CharField(
        label=_("Ce qui vous anime en ce moment"),
        required=False,
        max_length=2000,
        error_messages={"max_length": _("2000 caractères au maximum.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    specific_context = forms.CharField(
        label=_("Contexte particulier"),
        required=False,
        max_length=4000,
        help_text=_("Un événement, une relation, une décision à prendre…"),
        error_messages={"max_length": _("4000 caractères au maximum.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    audio_voice = forms.ChoiceField(
        label=_("Voix de votre audio"),
        choices=Order.AudioVoice.choices,
        initial=Order.AudioVoice.FEMININE,
        error_messages={
            "required": _("Choisissez une voix."),
            "invalid_choice": _("Choisissez une voix de la liste."),
        },
        widget=forms.RadioSelect,
    )
    delivery_format = forms.ChoiceField(
        label=_("Être prévenu·e de la livraison par"),
        choices=Order.DeliveryFormat.choices,
        initial=Order.DeliveryFormat.EMAIL,
        error_messages={
            "required": _("Choisissez un moyen d’être prévenu·e."),
            "invalid_choice": _("Choisissez un moyen de la liste."),
        },
        widget=forms.RadioSelect,
    )
    phone = forms.CharField(
        label=_("Téléphone"),
        required=False,
        max_length=32,
        help_text=_("Indispensable pour WhatsApp, avec l’indicatif (+33…)."),
        error_messages={"max_length": _("32 caractères au maximum.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    photos = MultiplePhotoField(
        label=_("Photos (facultatif)"),
        help_text=_("Jusqu’à 5 photos JPEG, PNG, GIF ou WebP de 10 Mo au plus chacune."),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )
    data_consent = forms.BooleanField(
        error_messages={
            "required": _(
                "Cochez cette case : sans votre accord, votre expert ne peut pas utiliser "
                "vos données de naissance ni vos photos."
            )
        },
    )
    keep_photos = forms.BooleanField(
        label=_("Garder mes photos après la livraison (sinon, effacées 90 jours après)."),
        required=False,
    )
    remove_photos = forms.MultipleChoiceField(
        label=_("Retirer ces photos"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Cette photo n’existe pas ou plus.")},
    )

    def __init__(self, *args, existing_photos=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["data_consent"].label = format_html(
            _(
                "J’accepte que mes données de naissance et mes photos servent à préparer ma "
                "lecture, comme l’explique la {}."
            ),
            format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a>',
                reverse("legal:page", args=["confidentialite"]),
                _("politique de confidentialité"),
            ),
        )
        # WhatsApp is offered only when the business account is configured (SPEC §9).
        self.offers_whatsapp = whatsapp.is_configured()
        if not self.offers_whatsapp:
            del self.fields["delivery_format"]  # clean() sets e-mail
            self.fields["phone"].help_text = _("Avec l’indicatif (+33…), si vous le souhaitez.")
        self.existing_photos = {str(photo.public_id): photo for photo in existing_photos}
        self.fields["remove_photos"].choices = [
            (key, _("Photo %(number)d") % {"number": index})
            for index, key in enumerate(self.existing_photos, start=1)
        ]

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("La date de naissance ne peut pas être dans le futur."))
        if value.year < 1900:
            raise forms.ValidationError(_("Indiquez une date de naissance après 1900."))
        return value

    def clean_birth_place(self) -> str:
        value = self.cleaned_data["birth_place"].strip()
        if not value:
            raise forms.ValidationError(_("Indiquez votre lieu de naissance."))
        return value

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if value and not PHONE_PATTERN.fullmatch(value):
            raise forms.ValidationError(
                _("Numéro de téléphone invalide : des chiffres, avec l’indicatif (+33…).")
            )
        return value

    def clean(self) -> dict:
        data = super().clean()
        if not self.offers_whatsapp:
            data["delivery_format"] = Order.DeliveryFormat.EMAIL
        if data.get("delivery_format") == Order.DeliveryFormat.WHATSAPP and not data.get("phone"):
            self.add_error("phone", _("Indiquez votre numéro WhatsApp."))
        removed = [self.existing_photos[key] for key in data.get("remove_photos", [])]
        kept = len(self.existing_photos) - len(removed)
        if "photos" in data and kept + len(data["photos"]) > MAX_PHOTOS:
            self.add_error(
                "photos",
                _("Vous avez déjà %(kept)d photo(s) : vous pouvez en ajouter %(room)d au plus.")
                % {"kept": kept, "room": max(MAX_PHOTOS - kept, 0)},
            )
        data["removed_photos"] = removed
        return data
