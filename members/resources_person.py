"""A register's rows about a person named by 公民身份号码 and 姓名 (the daily-work registers of
members/resources_work.py, the development registers of publicity/resources_registers.py).

The ID finds the person among those the importing user may see (`people()`), the name is
checked against it; the person with a few of the row's cells (`rest_of_key`) is the row's key.
The export gives the ID whole only to a user who may see personal data (else masked, as the
pages show it: such a file is for reading, its masked IDs are refused on import).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from import_export import fields

from kit.imports import cell_text, column
from kit.imports.register import RegisterResource, the_one
from kit.masking import mask_citizen_id

from .models import Member
from .person import citizen_id_from_cell
from .services.member import PERSONAL_DATA_PERMISSION

ID_HEADER, NAME_HEADER = "公民身份号码", "姓名"
ID_TEXT = {"required": True, "text": True, "format": "18位公民身份号码（末位可为X）"}


class PersonRegisterResource(RegisterResource):
    """Subclasses name the person's attribute (its column is made here), the people the user
    may name (`people`), and the rest of the row's key (`rest_of_key`)."""

    person_attribute = "member"
    not_found = "没有该公民身份号码的党员，或其组织关系不在您的管理范围内"
    personal_data_permission = PERSONAL_DATA_PERMISSION
    TEMPLATE_DEFAULTS: ClassVar[dict[str, dict[str, Any]]] = {
        NAME_HEADER: {"required": True, "example": "张丽华"},
        ID_HEADER: {**ID_TEXT, "example": "110105198506120026"},
    }

    name = column("person_name", NAME_HEADER)  # checked with the ID
    citizen_id = column("member", ID_HEADER)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if cls.fields["citizen_id"].attribute != cls.person_attribute:
            cls.fields["citizen_id"] = column(cls.person_attribute, ID_HEADER)
        super().__init_subclass__(**kwargs)

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self._people: dict[str, Any] = {}

    def people(self) -> models.QuerySet[Any]:
        return self.visible(Member.objects.all())

    def rest_of_key(self, person: Any, row: Any) -> dict[str, Any]:
        """The key's lookups beside the person."""
        raise NotImplementedError

    def key(self, row: Any) -> dict[str, Any]:
        person = self.person_of(row)
        return {self.person_attribute: person, **self.rest_of_key(person, row)}

    # --- the person -----------------------------------------------------------------------------
    def person_of(self, row: Any) -> Any:
        """The row's person; ValueError with the row's message."""
        citizen_id = citizen_id_from_cell(row.get(ID_HEADER))
        if citizen_id not in self._people:
            self._people[citizen_id] = self.people().filter(citizen_id=citizen_id).first()
        person = self._people[citizen_id]
        if person is None:
            raise ValueError(self.not_found)
        name = cell_text(row.get(NAME_HEADER))
        if not name:
            raise ValueError(f"{NAME_HEADER}不能为空")
        if name != person.name:
            raise ValueError(f"姓名“{name}”与该公民身份号码登记的姓名“{person.name}”不符")
        return person

    def read_column(self, field: fields.Field, instance: Any, row: Any) -> None:
        if field.attribute == "person_name":
            return  # checked with the ID
        if field.attribute == self.person_attribute:
            setattr(instance, self.person_attribute, self.person_of(row))
            return
        super().read_column(field, instance, row)

    def row_message(self, key: Any, text: str, item: Any, labels: dict[str, str]) -> str:
        """A problem of the person (out of scope, not registered there) names them: no label."""
        if key == self.person_attribute:
            labels = {k: v for k, v in labels.items() if k != key}
        return super().row_message(key, text, item, labels)

    def member_named(self, name: str, hint: str = "请在系统中登记") -> Member | None:
        """The member of that exact name among those the user may see; None for no name."""
        if not name:
            return None
        return the_one(  # type: ignore[no-any-return]
            self.visible(Member.objects.filter(name=name)),
            missing=f"您管理范围内没有名为“{name}”的党员",
            shared=f"您管理范围内有多名党员名为“{name}”，{hint}",
        )

    # --- export ---------------------------------------------------------------------------------
    def _person(self, obj: Any) -> Any:
        if getattr(obj, f"{self.person_attribute}_id", None) is None:
            return None
        return getattr(obj, self.person_attribute)

    def dehydrate_citizen_id(self, obj: Any) -> str:
        person = self._person(obj)
        return self.shown(person.citizen_id, mask_citizen_id) if person else ""

    def dehydrate_name(self, obj: Any) -> str:
        person = self._person(obj)
        return person.name if person else ""
