"""python manage.py demo refuses production settings (its passwords are public). Apart from
tests/organizations/test_demo.py, whose module runs on the demo's clone: here the database is
empty, so that anything the refused command wrote would show."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from organizations.models import Organization


@pytest.mark.django_db
def test_demo_refuses_production_settings(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="正式环境"):
        call_command("demo", stdout=io.StringIO())
    assert not Organization.objects.exists()
