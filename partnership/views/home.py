from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from partnership.access import partnership_view
from partnership.selectors import memberships_for_person, statutory_partners


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """No database, no template: the container health check and the benchmarks' baseline."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Go straight to the only partnership, or let the person choose."""
    memberships = list(memberships_for_person(person=request.user))
    if len(memberships) == 1:
        return redirect("partnership:home", slug=memberships[0].partnership.slug)
    return render(request, "partnership/choose.html", {"memberships": memberships})


@partnership_view()
def partnership_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "partnership/home.html",
        {"statutory_partners": statutory_partners(partnership=request.partnership)},
    )
