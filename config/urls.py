from __future__ import annotations

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from common.reportcenter import report_center

urlpatterns = [
    # The public site (publicity/urls.py): communities, their boards and notices, no login.
    path("", include("publicity.urls")),
    # 报表中心 (common/reportcenter.py), behind the admin's staff check; before the admin's own URLs.
    path("admin/reports/", admin.site.admin_view(report_center), name="report_center"),
    path("admin/", admin.site.urls),
    path("portal/", include("activities.portal.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
