"""The resident's opinion form (public, no login), its captcha and its rate limit.

The captcha is an arithmetic question signed with Django's signing (no image, no table): a resident
on an old phone can read and answer it, screen readers read it, and it works offline. Each
challenge is accepted once (its nonce is kept in the cache until it expires) and for
PUBLICITY_CAPTCHA_MAX_AGE_SECONDS. A hidden field that people never fill catches simple robots.
The rate limit counts opinions per address in Django's cache, atomically on any backend.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache

CAPTCHA_SALT = "publicity.opinion.captcha"
PHONE_PATTERN = re.compile(r"^[0-9+\- ]{5,20}$")


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def challenge_new() -> Challenge:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"s": a + b, "n": secrets.token_hex(8)}, salt=CAPTCHA_SALT)
    return Challenge(question=f"{a} 加 {b} 等于几？", token=token)


def challenge_error(token: str, answer: str) -> str | None:
    """Why the answer does not pass; None when it does (and the challenge is then used up)."""
    try:
        data = signing.loads(
            token, salt=CAPTCHA_SALT, max_age=settings.PUBLICITY_CAPTCHA_MAX_AGE_SECONDS
        )
    except signing.SignatureExpired:
        return "验证题已过期，请重新作答"
    except signing.BadSignature:
        return "验证题无效，请刷新页面后重试"
    if answer.strip() != str(data["s"]):
        return "验证题答案不对，请重新计算"
    if not cache.add(
        f"publicity:captcha:{data['n']}", 1, settings.PUBLICITY_CAPTCHA_MAX_AGE_SECONDS
    ):
        return "该验证题已经使用过，请重新作答"
    return None


def rate_limited(address: str) -> bool:
    """Count one submission from `address`; True once it has sent more than allowed in the
    window. Each submission claims one of PUBLICITY_OPINION_RATE slots with `cache.add`, which is
    atomic on every backend (Redis SET NX, the local-memory cache under its lock, the database
    cache by its primary key), where get-then-set (`incr` outside Redis) lets a burst through.
    A slot is free again a window after it was claimed."""
    window = settings.PUBLICITY_OPINION_WINDOW_SECONDS
    key = f"publicity:opinion-rate:{address}"
    return not any(
        cache.add(f"{key}:{slot}", 1, window) for slot in range(settings.PUBLICITY_OPINION_RATE)
    )


class AnswerInput(forms.TextInput):
    """A refused form comes back with a new question: the old answer is not shown again."""

    def format_value(self, value: Any) -> str | None:
        return None


class OpinionForm(forms.Form):
    text = forms.CharField(
        label="您的意见",
        min_length=5,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "请填写您的意见", "min_length": "意见请至少写5个字"},
    )
    sender_name = forms.CharField(label="姓名（可不填）", max_length=50, required=False)
    sender_phone = forms.CharField(
        label="联系电话（可不填，便于核实后回复您）", max_length=20, required=False
    )
    captcha_answer = forms.CharField(
        label="验证题",
        max_length=4,
        widget=AnswerInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "请回答验证题"},
    )
    captcha_token = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # robots fill it

    def __init__(self, *args: Any, challenge: Challenge | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if challenge is not None:
            self.fields["captcha_answer"].label = f"验证题：{challenge.question}"
        self.helper = FormHelper()
        # The template writes <form>, the CSRF token and the per-visitor hidden values (this
        # visitor's challenge and the robots' field): public/opinion_form.html, which is never
        # kept (the notice's shared page fetches it, publicity/views.py).
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout("text", "sender_name", "sender_phone", "captcha_answer")

    def clean_sender_phone(self) -> str:
        phone = str(self.cleaned_data.get("sender_phone", "")).strip()
        if phone and not PHONE_PATTERN.match(phone):
            raise forms.ValidationError("联系电话格式不对")
        return phone

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError("提交失败，请刷新页面后重试")
        token, answer = data.get("captcha_token"), data.get("captcha_answer")
        if token and answer is not None and (error := challenge_error(str(token), str(answer))):
            self.add_error("captcha_answer", error)
        return data
