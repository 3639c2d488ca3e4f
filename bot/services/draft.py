"""The registration dialog's draft: the answers given so far, kept in ``user_data`` as JSON.

``Draft`` holds every answer (typed, None until given) and what the dialog learnt on the way
(a referral link's referrer, a same-named project, the returned project being corrected);
``from_json`` trusts nothing it reads back. ``answers()`` gives the ``ProjectAnswers`` once all
are there; ``Field`` names them (``db.models.ProjectField``). No I/O, no ``telegram``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from typing import Any, get_args, get_type_hints

from db.models import ANSWER_FIELDS, ProjectAnswers, ProjectField

# The answers a registration collects (db.models declares them once), in the dialog's order.
Field = ProjectField


@dataclass
class Draft:
    """The answers given so far; lives in ``user_data`` as a JSON-shaped dict."""

    name: str | None = None
    industry: str | None = None
    village: str | None = None
    applicant_type: str | None = None
    investment_wan: float | None = None
    jobs: int | None = None
    phone: str | None = None
    referrer_id: int | None = None
    referrer_name: str | None = None
    referrer_note: str | None = None
    referrer_asked: bool = False
    # The village was typed under 其他村 (not chosen from the list): filed as typed, flagged.
    village_unlisted: bool = False
    link_referrer_id: int | None = None
    link_referrer_name: str | None = None
    link_refusal: str | None = None
    duplicate_ref: str | None = None
    duplicate_at: str | None = None
    duplicate_returned_id: int | None = None  # the same-named project is returned: correct it
    # Set when the draft resubmits a returned project instead of registering a new one.
    resubmit_id: int | None = None
    resubmit_ref: str | None = None
    resubmit_reason: str | None = None  # why staff returned it (shown with the 补充说明 step)
    resubmit_note: str | None = None  # the resident's 补充说明 for staff (optional)

    @classmethod
    def from_json(cls, data: object) -> Draft:
        """Rebuild from ``user_data``; unknown or mistyped keys are dropped, not trusted."""
        draft = cls()
        if isinstance(data, dict):
            for name, kind in _draft_types().items():
                value = data.get(name)
                # JSON has no int/float distinction worth trusting, and a bool is no number.
                if kind is float and isinstance(value, int) and not isinstance(value, bool):
                    value = float(value)
                if type(value) is kind:
                    setattr(draft, name, value)
        return draft

    def to_json(self) -> dict[str, Any]:
        """The JSON-shaped dict stored in ``user_data``."""
        return asdict(self)

    def answers(self) -> ProjectAnswers | None:
        """The required answers, typed, once every one of them is given."""
        values = {f.value: getattr(self, f.value) for f in ANSWER_FIELDS}
        return None if None in values.values() else ProjectAnswers(**values)

    def missing(self) -> Field | None:
        """The first field not answered yet, if any."""
        for f in ANSWER_FIELDS:
            if getattr(self, f.value) is None:
                return f
        return None if self.referrer_asked else Field.REFERRER


@cache
def _draft_types() -> dict[str, type]:
    """Each draft field's JSON type: ``str`` for ``str | None``, ``bool`` for ``bool``..."""
    types_ = {}
    for name, hint in get_type_hints(Draft).items():
        options = [a for a in get_args(hint) if a is not type(None)] or [hint]
        types_[name] = options[0]
    return types_
