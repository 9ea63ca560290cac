"""A period of days, as the accountant's export and the owner's view ask for one."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("Du"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Indiquez le premier jour."), "invalid": _("Date invalide.")},
    )
    end = forms.DateField(
        label=_("Au (inclus)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Indiquez le dernier jour."), "invalid": _("Date invalide.")},
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("Le dernier jour précède le premier."))
        return data
