from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from common.reportcenter import report_center
from common.twofactor import otp_setup, otp_verify
from kit.files import media_file

urlpatterns = [
    # The public site (publicity/urls.py): communities, their boards and notices, no login.
    path("", include("publicity.urls")),
    # 报表中心 (common/reportcenter.py), behind the admin's staff check; before the admin's own URLs.
    path("admin/reports/", admin.site.admin_view(report_center), name="report_center"),
    # Two-factor login (common/twofactor.py): enrolment and the step after the password.
    path("admin/otp/setup/", otp_setup, name="otp_setup"),
    path("admin/otp/verify/", otp_verify, name="otp_verify"),
    path("admin/", admin.site.urls),
    path("portal/", include("activities.portal.urls")),
    # Stored files, in every mode: each to a user who may see the row holding it (kit/files.py);
    # never a folder served as is (an uploaded page would run on the admin's origin).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", media_file, name="media_file"),
]

# Chinese error pages in the layout of the site they happen on (config/errors.py).
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
