"""The QR sign-in's form, rendered by django-crispy-forms like the portal's (activities/portal/
forms.py)."""

from __future__ import annotations

from django import forms


class SignInForm(forms.Form):
    """The QR sign-in has no field to fill in: the member confirms with one button. The form
    carries the refusal (outside the window, not a member of the meeting) as its own error, which
    crispy shows above the button."""
