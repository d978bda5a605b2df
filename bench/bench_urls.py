"""The project's URLs plus the benchmarks' reference: the smallest Django view there is, served
by the same server through the same middleware (bench/bench_settings.py). Not in config/urls.py:
production has no such URL."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

MINIMAL_PATH = "bench/ok/"


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path(MINIMAL_PATH, minimal, name="bench-minimal"), *project_urlpatterns]
