"""The owner's view (SPEC §7), an admin page linked from the admin home."""

from datetime import timedelta

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.forms import PeriodForm as BillingPeriodForm
from ops import dashboard

MAX_DAYS = 366
CHART_HEIGHT = 140


class PeriodForm(BillingPeriodForm):
    """The owner's view reads at most a year at a time."""

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start <= end and (end - start).days >= MAX_DAYS:
            self.add_error("end", _("Une période d’un an au plus."))
        return data


def _chart(by_day) -> dict:
    """Bars of the revenue by day as inline SVG: gross in gold, refunds in red under it."""
    top = max([money.gross for _day, money in by_day] + [1])
    width = 12
    bars = []
    for index, (day, money) in enumerate(by_day):
        gross = round(CHART_HEIGHT * money.gross / top)
        refunded = round(CHART_HEIGHT * min(money.refunded, top) / top)
        bars.append(
            {
                "x": index * width + 1,
                "gross_y": CHART_HEIGHT - gross,
                "gross": gross,
                "refunded_y": CHART_HEIGHT - refunded,
                "refunded": refunded,
                "day": day,
                "money": money,
            }
        )
    return {"bars": bars, "width": max(len(bars) * width, width), "height": CHART_HEIGHT}


def owner_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"start": today - timedelta(days=29), "end": today})
    context = {
        **admin.site.each_context(request),
        "title": _("Vue d’ensemble"),
        "form": form,
    }
    if form.is_valid():
        figures = dashboard.build(form.cleaned_data["start"], form.cleaned_data["end"])
        context.update(
            figures=figures,
            chart=_chart(figures.by_day),
            top_offer=max([money.gross for _name, money in figures.by_offer] + [1]),
            top_failure=max([count for _reason, count in figures.failures] + [1]),
            top_funnel=max(figures.funnel[0].count, 1),
        )
    status = 200 if form.is_valid() else 400
    return TemplateResponse(request, "ops/dashboard.html", context, status=status)
