"""Desk forms: validation and cleaning only (content, files, validation decisions)."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from experts.files import MAX_AUDIO_BYTES, MAX_PDF_BYTES, detect_audio, is_pdf
from experts.svg import InvalidSvg, sanitize_svg
from orders.models import SECTION_LEVELS as ORDER_SECTION_LEVELS

# The level from which the client sees each part of the content (SPEC §9), by editor field.
SECTION_LEVELS = {
    ("mandala_svg" if name == "mandala" else name): level
    for name, level in ORDER_SECTION_LEVELS.items()
}


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ContentForm(forms.Form):
    """The content editor; only the sections the order's level delivers are shown."""

    archetype = forms.CharField(label=_("Archétype"), max_length=160, required=False)
    reading = forms.CharField(label=_("Lecture"), required=False, widget=_textarea(12))
    ritual = forms.CharField(label=_("Rituel"), required=False, widget=_textarea(6))
    blockages_analysis = forms.CharField(
        label=_("Analyse des blocages"), required=False, widget=_textarea(6)
    )
    soul_profile = forms.CharField(label=_("Profil d’âme"), required=False, widget=_textarea(6))
    mandala_svg = forms.CharField(
        label=_("Mandala (code SVG)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "class": "code"}),
        help_text=_("Scripts, liens externes et gestionnaires d’événements sont retirés."),
    )
    audio = forms.FileField(
        label=_("Fichier audio"),
        required=False,
        help_text=_("MP3, OGG, WAV ou M4A, 100 Mo au maximum."),
        widget=forms.FileInput(attrs={"accept": ".mp3,.ogg,.wav,.m4a,audio/*"}),
    )
    pdf = forms.FileField(
        label=_("Fichier PDF"),
        required=False,
        help_text=_("20 Mo au maximum."),
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def __init__(self, *args, level: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, from_level in SECTION_LEVELS.items():
            if level < from_level:
                del self.fields[name]

    def clean_mandala_svg(self) -> str:
        try:
            return sanitize_svg(self.cleaned_data["mandala_svg"])
        except InvalidSvg:
            raise forms.ValidationError(
                _("Ce n’est pas un SVG lisible : collez un document <svg>…</svg> sans DOCTYPE.")
            ) from None

    def clean_audio(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("audio")
        if not upload:
            return None
        if upload.size > MAX_AUDIO_BYTES:
            raise forms.ValidationError(
                _("Fichier trop lourd (%(size)s) : 100 Mo au maximum.")
                % {"size": filesizeformat(upload.size)}
            )
        kind = detect_audio(upload)
        if kind is None:
            raise forms.ValidationError(
                _("Ce fichier n’est pas un audio MP3, OGG, WAV ou M4A lisible.")
            )
        upload.name = f"audio.{kind}"  # the stored extension is the detected one
        return upload

    def clean_pdf(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("pdf")
        if not upload:
            return None
        if upload.size > MAX_PDF_BYTES:
            raise forms.ValidationError(
                _("Fichier trop lourd (%(size)s) : 20 Mo au maximum.")
                % {"size": filesizeformat(upload.size)}
            )
        if not is_pdf(upload):
            raise forms.ValidationError(_("Ce fichier n’est pas un PDF valide."))
        upload.name = "lecture.pdf"
        return upload


class GenerateForm(forms.Form):
    instructions = forms.CharField(
        label=_("Instructions pour le générateur"),
        max_length=4000,
        required=False,
        widget=_textarea(4),
        help_text=_("Ton, points d’attention, éléments à approfondir."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du rejet"),
        max_length=2000,
        widget=_textarea(3),
        error_messages={"required": _("Indiquez le motif du rejet : l’expert le lira.")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Indiquez le motif du rejet : l’expert le lira."))
        return reason


class ApproveForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes de validation (facultatif)"),
        max_length=2000,
        required=False,
        widget=_textarea(2),
    )


class DeskLoginForm(AuthenticationForm):
    """Experts sign in with their e-mail address (their username)."""

    username = UsernameField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()
