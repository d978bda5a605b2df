"""The 支部大会表决 form's list of voters (issue 22, point 5): it starts from those entitled, every
full member of the case's branch on the meeting's date, never from a picker over the community;
who was present comes from the 支部党员大会's attendance where 三会一课 records it (shown, not
editable here), else is ticked here; a member is left out of those entitled only with a reason
from the fixed list (DOMAIN.md Publicity)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from activities.selectors.votes import general_meeting_present_ids
from members.models import Member

from .models import DevelopmentCase
from .rules import VoteExclusionReason

FIELD = "voters"
NOT_CHOSEN = "选择发展对象和会议日期后，这里列出会议当日本支部的全体正式党员（有表决权的党员）。"


@dataclass
class VoterList:
    """The branch's full members on the day, those present at its recorded 支部党员大会 (None:
    no meeting recorded that day), or why nothing can be listed yet."""

    members: list[Member] = field(default_factory=list)
    present: set[int] | None = None
    message: str = ""


def voter_list(case: DevelopmentCase | None, day: dt.date | None) -> VoterList:
    if case is None or day is None:
        return VoterList(message=NOT_CHOSEN)
    members = list(Member.objects.full_on(day).filter(branch_id=case.branch_id).order_by("name"))
    if not members:
        return VoterList(message=f"{case.branch}在{day:%Y-%m-%d}没有正式党员。")
    return VoterList(members, general_meeting_present_ids(case.branch_id, day))


class VotersWidget(forms.Widget):
    """Each full member: 到会 (ticked from the meeting's attendance) and, if left out of those
    entitled, the reason. Its value is {member id: (present, reason)} of the rows posted."""

    template_name = "admin/publicity/branchvote/voters.html"

    class Media:
        js = ("kit/fetched_list.js", "publicity/voters.js")
        css = {"all": ("activities/attendance.css",)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.listed = VoterList(message=NOT_CHOSEN)

    def _render(self, template_name: str, context: Any, renderer: Any = None) -> str:
        return mark_safe(render_to_string(template_name, context))  # noqa: S308

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[int, tuple[bool, str]]:
        keys = data.getlist(f"{name}-key") if hasattr(data, "getlist") else []
        return {
            int(key): (
                bool(data.get(f"{name}-{key}-present")),
                data.get(f"{name}-{key}-reason", ""),
            )
            for key in keys
            if str(key).isdigit()
        }

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            rows_context(self.listed, value if isinstance(value, dict) else {})
        )
        return context


def rows_context(listed: VoterList, posted: dict[int, tuple[bool, str]]) -> dict[str, Any]:
    recorded = listed.present is not None
    rows = []
    for member in listed.members:
        present, reason = posted.get(member.pk, (False, ""))
        if recorded:
            present = member.pk in (listed.present or set())
        rows.append({"pk": member.pk, "name": member.name, "present": present, "reason": reason})
    return {
        "name": FIELD,
        "rows": rows,
        "recorded": recorded,
        "reasons": VoteExclusionReason.choices,
        "message": listed.message,
    }


def render_voters(listed: VoterList) -> str:
    widget = VotersWidget()
    widget.listed = listed
    return widget.render(FIELD, {})


class VotersField(forms.Field):
    widget = VotersWidget

    def to_python(self, value: Any) -> dict[int, tuple[bool, str]]:
        return value if isinstance(value, dict) else {}


class VotersOnAddMixin(forms.ModelForm):  # type: ignore[type-arg]
    """The list for the case and date posted (or asked in the address)."""

    voters = VotersField(label="有表决权的正式党员", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and FIELD in self.fields and "case" in self.fields:
            self.fields[FIELD].widget.listed = self._listed()

    def _raw(self, name: str) -> Any:
        return self.data.get(name) if self.is_bound else self.initial.get(name)

    def _listed(self) -> VoterList:
        raw = str(self._raw("case") or "")
        cases = getattr(self.fields["case"], "queryset", None)  # the user's editable ones
        case = cases.filter(pk=int(raw)).first() if cases is not None and raw.isdigit() else None
        try:
            day = self.fields["held_on"].to_python(self._raw("held_on"))
        except ValidationError:
            day = None
        return voter_list(case, day)

    def voters_posted(self, case: DevelopmentCase) -> tuple[list[Member], list[tuple[Member, str]]]:
        """Those ticked present and those left out with their reason, among the branch's
        members (a posted id of anyone else is ignored)."""
        posted = self.cleaned_data.get(FIELD) or {}
        members = Member.objects.filter(pk__in=list(posted), branch_id=case.branch_id).in_bulk()
        attended = [members[pk] for pk, (present, _) in posted.items() if present and pk in members]
        exclusions = [
            (members[pk], reason) for pk, (_, reason) in posted.items() if reason and pk in members
        ]
        return attended, exclusions
