from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="portal:login"), name="logout"),
    path("unit/", views.unit_cards, name="unit"),
    path("unit/cards/<int:pk>/", views.unit_card, name="unit_card"),
    path("unit/pdf/", views.unit_pdf, name="unit_pdf"),
    path("documents/<uuid:token>/", views.document, name="document"),
    path("documents/<uuid:token>/status/", views.document_status, name="document_status"),
    path("documents/<uuid:token>/download/", views.document_download, name="document_download"),
    path("cadres/", views.cadre_cards, name="cadres"),
    path("cadres/cards/<int:pk>/", views.cadre_card, name="cadre_card"),
    path("me/", views.me, name="me"),
    path("me/claim/", views.me_claim, name="me_claim"),
    path("me/events/<int:pk>/signup/", views.me_signup, name="me_signup"),
    path("me/events/<int:pk>/cancel/", views.me_signup_cancel, name="me_signup_cancel"),
    path(
        "password/",
        views.portal_login_required(views.MemberPasswordChangeView.as_view()),
        name="password",
    ),
]
