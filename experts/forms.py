"""Desk forms: validation and cleaning only (content, files, validation decisions)."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UsernameField
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from experts.files import detect_audio, is_pdf
from ops.throttle import ThrottledLoginMixin
from orders.sections import MEGABYTE, Kind, Section, sections_for_level
from orders.svg import InvalidSvg, sanitize_svg


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _limit(section: Section) -> str:
    """A file section's size limit as the desk says it: "100 Mo"."""
    return _("%(megabytes)d Mo") % {"megabytes": section.max_bytes // MEGABYTE}


def _too_big(upload: UploadedFile, section: Section) -> forms.ValidationError:
    return forms.ValidationError(
        _("Fichier trop lourd (%(size)s) : %(limit)s au maximum.")
        % {"size": filesizeformat(upload.size), "limit": _limit(section)}
    )


class SvgField(forms.CharField):
    """SVG pasted as code, sanitised (scripts, external links and handlers removed)."""

    def clean(self, value: str) -> str:
        try:
            return sanitize_svg(super().clean(value))
        except InvalidSvg:
            raise forms.ValidationError(
                _("Ce n’est pas un SVG lisible : collez un document <svg>…</svg> sans DOCTYPE.")
            ) from None


class SectionFileField(forms.FileField):
    """An audio or PDF upload, checked by its size and its bytes, stored under a fixed name."""

    def __init__(self, section: Section, **kwargs) -> None:
        self.section = section
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> UploadedFile | None:
        upload = super().clean(data, initial)
        if not upload:
            return None
        if upload.size > self.section.max_bytes:
            raise _too_big(upload, self.section)
        if self.section.kind == Kind.AUDIO:
            kind = detect_audio(upload)
            if kind is None:
                raise forms.ValidationError(
                    _("Ce fichier n’est pas un audio MP3, OGG, WAV ou M4A lisible.")
                )
            upload.name = f"audio.{kind}"  # the stored extension is the detected one
        else:
            if not is_pdf(upload):
                raise forms.ValidationError(_("Ce fichier n’est pas un PDF valide."))
            upload.name = "lecture.pdf"
        return upload


def section_field(section: Section) -> forms.Field:
    """The editor's field for one section, by its kind (orders.sections)."""
    label = capfirst(section.label)
    if section.kind == Kind.SHORT_TEXT:
        return forms.CharField(label=label, max_length=section.max_length, required=False)
    if section.kind == Kind.TEXT:
        return forms.CharField(
            label=label, max_length=section.max_length, required=False, widget=_textarea(8)
        )
    if section.kind == Kind.SVG:
        return SvgField(
            label=_("%(label)s (code SVG)") % {"label": label},
            max_length=section.max_length,
            required=False,
            widget=forms.Textarea(
                attrs={"rows": 6, "spellcheck": "false", "class": "code", "data-svg-text": ""}
            ),
            help_text=_("Scripts, liens externes et gestionnaires d’événements sont retirés."),
        )
    if section.kind == Kind.AUDIO:
        return SectionFileField(
            section,
            label=_("Fichier %(label)s") % {"label": section.label},
            required=False,
            help_text=_("MP3, OGG, WAV ou M4A, %(limit)s au maximum.") % {"limit": _limit(section)},
            widget=forms.FileInput(attrs={"accept": ".mp3,.ogg,.wav,.m4a,audio/*"}),
        )
    return SectionFileField(
        section,
        label=_("Fichier %(label)s") % {"label": section.label},
        required=False,
        help_text=_("%(limit)s au maximum.") % {"limit": _limit(section)},
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
    )


class SvgFileField(forms.FileField):
    """The mandala as an .svg file: read as UTF-8 text, sanitised like pasted code."""

    def __init__(self, section: Section, **kwargs) -> None:
        self.section = section
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> str:
        upload = super().clean(data, initial)
        if not upload:
            return ""
        if upload.size > self.section.max_length:
            raise forms.ValidationError(
                _("Fichier trop lourd (%(size)s) : %(limit)s au maximum.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(self.section.max_length),
                }
            )
        try:
            markup = upload.read().decode("utf-8-sig")
            return sanitize_svg(markup)
        except (UnicodeDecodeError, InvalidSvg):
            raise forms.ValidationError(
                _("Ce fichier n’est pas un SVG lisible (un document <svg>…</svg> en UTF-8).")
            ) from None


def file_field_name(section: Section) -> str:
    """The editor's upload field beside a pasted SVG section: "mandala_file"."""
    return f"{section.name}_file"


class ContentForm(forms.Form):
    """The reading's editor: one field per section of the order's level (orders.sections).

    An SVG section has two fields: the code (pasted, or filled by the page's script from a
    chosen file) and the file itself, which wins when both come.
    """

    def __init__(self, *args, level: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sections = sections_for_level(level)
        for section in self.sections:
            self.fields[section.name] = section_field(section)
            if section.kind == Kind.SVG:
                self.fields[file_field_name(section)] = SvgFileField(
                    section,
                    label=_("…ou un fichier SVG"),
                    required=False,
                    widget=forms.FileInput(
                        attrs={"accept": ".svg,image/svg+xml", "data-svg-file": ""}
                    ),
                )

    def texts(self) -> dict[str, str]:
        """The cleaned text-like sections, by name."""
        texts = {s.name: self.cleaned_data[s.name] for s in self.sections if s.is_text}
        for section in self.sections:
            uploaded = (
                self.cleaned_data.get(file_field_name(section)) if section.kind == Kind.SVG else ""
            )
            if uploaded:
                texts[section.name] = uploaded
        return texts

    @classmethod
    def marking_missing(cls, texts: dict, *, level: int, missing: list[Section]) -> "ContentForm":
        """The editor as saved, each section a submission still needs marked at its field."""
        form = cls({s.name: texts.get(s.name, "") for s in sections_for_level(level)}, level=level)
        form.is_valid()  # what was saved passed this form already
        for section in missing:
            form.add_error(section.name, _("À compléter avant de soumettre."))
        return form

    def new_files(self) -> dict[str, UploadedFile]:
        """The sections that received a new file, by name."""
        return {
            s.name: self.cleaned_data[s.name]
            for s in self.sections
            if s.is_file and self.cleaned_data.get(s.name)
        }


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


class DeskLoginForm(ThrottledLoginMixin, AuthenticationForm):
    """Experts sign in with their e-mail address (their username)."""

    username = UsernameField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Vérifiez l’adresse e-mail de votre "
            "compte d’expert et votre mot de passe (attention aux majuscules)."
        ),
        "inactive": _("Ce compte est désactivé. Écrivez à l’équipe Lumira pour le réactiver."),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages.update(
            {"required": _("Indiquez l’adresse e-mail de votre compte d’expert.")}
        )
        self.fields["password"].error_messages.update(
            {"required": _("Indiquez votre mot de passe.")}
        )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class DeskPasswordResetForm(PasswordResetForm):
    """The e-mail address of the expert account, asked in the desk's words."""

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        error_messages={
            "required": _("Indiquez l’adresse e-mail de votre compte d’expert."),
            "invalid": _("Cette adresse e-mail n’est pas valide."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Like Django's, except that a relay's refusal raises (Django logs it and goes on): the
        task that sends it (experts.tasks) then tries again later."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        text = render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, text, from_email, [to_email])
        if html_email_template_name is not None:
            message.attach_alternative(
                render_to_string(html_email_template_name, context), "text/html"
            )
        message.send()
