"""A person's identity, once: the fields a party member (`Member`) and a candidate
(`publicity.DevelopmentCase`) share, how the citizen ID is normalized and checked, and sex and
birth date read from it. Their admin forms (`PersonForm`) and their imports
(`citizen_id_from_cell`) use the same checks; GB 11643's arithmetic is in members/rules.py.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from kit.masking import mask_address, mask_birth_date, mask_citizen_id, mask_phone

from . import rules
from .rules import Education, Gender


class Person(models.Model):
    """The identity fields and their checks on the row alone (`clean`)."""

    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=16, default="汉族")
    birth_date = models.DateField("出生日期")
    citizen_id = models.CharField("公民身份号码", max_length=18, unique=True)
    education = models.CharField("学历", max_length=32, choices=Education.choices, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    address = models.CharField("家庭住址", max_length=200, blank=True)
    work_unit = models.CharField("工作单位", max_length=100, blank=True)

    # Shown masked except to users with members.view_personal_data; never looked up by URL.
    # The birth date too: with the masked ID's region and check digit it leaves ~10 candidates.
    PERSONAL_FIELDS: ClassVar[dict[str, Any]] = {
        "birth_date": mask_birth_date,
        "citizen_id": mask_citizen_id,
        "phone": mask_phone,
        "address": mask_address,
    }

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def masked_citizen_id(self) -> str:
        return mask_citizen_id(self.citizen_id)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def clean(self) -> None:
        if errors := self.identity_errors():
            raise ValidationError(errors)

    def identity_errors(self) -> dict[str, str]:
        """Normalizes the citizen ID, then what is wrong with it, or with the sex and birth date
        it contradicts, by field."""
        self.citizen_id = rules.normalize_citizen_id(self.citizen_id)
        if error := rules.citizen_id_error(self.citizen_id):
            return {"citizen_id": error}
        errors = {}
        if self.birth_date and self.birth_date != rules.birth_date_from_citizen_id(self.citizen_id):
            errors["birth_date"] = "出生日期与公民身份号码不符"
        if self.gender and self.gender != rules.gender_from_citizen_id(self.citizen_id):
            errors["gender"] = "性别与公民身份号码不符"
        return errors

    def fill_from_citizen_id(self) -> None:
        """Sex and birth date as the (valid, normalized) citizen ID gives them."""
        self.gender = rules.gender_from_citizen_id(self.citizen_id)
        self.birth_date = rules.birth_date_from_citizen_id(self.citizen_id)


def citizen_id_from_cell(value: Any) -> str:
    """The citizen ID of an import's cell, normalized; ValueError with the row's message."""
    from kit.imports import cell_text  # the import engine loads import-export: not at startup

    if isinstance(value, int | float):  # Excel keeps 15 digits of a number: the ID is lost
        raise ValueError(
            "公民身份号码是数字格式，Excel 会改动其末几位：请将公民身份号码列设为文本后重新填写"
        )
    citizen_id = rules.normalize_citizen_id(cell_text(value))
    if not citizen_id:
        raise ValueError("公民身份号码不能为空")
    if error := rules.citizen_id_error(citizen_id):
        raise ValueError(error)
    return citizen_id


class PersonForm(forms.ModelForm):  # type: ignore[type-arg]
    """A person's form: sex and birth date come from the citizen ID when left empty (GB 11643
    holds both); the model's `clean` then checks that what was typed agrees with it."""

    FROM_ID = ("gender", "birth_date")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.FROM_ID:
            if name in self.fields:
                self.fields[name].required = False
                self.fields[name].help_text = "可不填：按公民身份号码自动填写。"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        citizen_id = rules.normalize_citizen_id(data.get("citizen_id") or "")
        if citizen_id and not rules.citizen_id_error(citizen_id):
            if "gender" in self.fields and not data.get("gender"):
                data["gender"] = rules.gender_from_citizen_id(citizen_id)
            if "birth_date" in self.fields and not data.get("birth_date"):
                data["birth_date"] = rules.birth_date_from_citizen_id(citizen_id)
        for name in self.FROM_ID:
            if name in self.fields and not data.get(name) and name not in self.errors:
                self.add_error(name, "请填写，或填写正确的公民身份号码以自动填写。")
        return data
