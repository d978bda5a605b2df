"""The public site (no login), at the root of the address: config/urls.py includes it at ""."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<str:code>/", views.board, name="board"),
    path("n/<int:pk>/", views.notice, name="notice"),
    path("n/<int:pk>/form/", views.notice_form, name="notice_form"),
]
