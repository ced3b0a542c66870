"""The portal's URLs plus the least work a registration needs: lock the session, count, insert.

The floor of ``bench/burst_bench.py``: no authentication, no checks, no email, no signal; the
same ``SELECT … FOR UPDATE`` on the session's row as ``registration_create``, one aggregate of
the confirmed seats and the last position, one ``INSERT``.
"""

from django.db import transaction
from django.db.models import Count, Max, Q
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from catalogue.models import Registration, RegistrationStatus, SessionPage
from portal.urls import urlpatterns as portal_urlpatterns


@csrf_exempt
def locked_insert(request: HttpRequest, session_id: int, user_id: int) -> JsonResponse:
    with transaction.atomic():
        capacity = (
            SessionPage.objects.select_for_update(of=("self",))
            .values_list("capacity", flat=True)
            .get(pk=session_id)
        )
        seats = Registration.objects.filter(session_id=session_id).aggregate(
            confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
            last=Max("position"),
        )
        status = (
            RegistrationStatus.CONFIRMED
            if capacity is None or seats["confirmed"] < capacity
            else RegistrationStatus.WAITING
        )
        (registration,) = Registration.objects.bulk_create(
            [
                Registration(
                    session_id=session_id,
                    user_id=user_id,
                    status=status,
                    position=(seats["last"] or 0) + 1,
                )
            ]
        )
    return JsonResponse({"id": registration.pk, "status": registration.status}, status=201)


urlpatterns = [
    path("bench/floor/<int:session_id>/<int:user_id>/", locked_insert),
    *portal_urlpatterns,
]
