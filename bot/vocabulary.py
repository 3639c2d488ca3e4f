"""The words services and texts share: enums a service returns and every language names.

The texts key their tables by these (``bot.texts.catalog`` checks each table names every
member), so they live here, importing nothing, rather than in the services that return them.
Members of equal value in two enums (``Problem.EMPTY``, ``TextProblem.EMPTY``) are the same
word: StrEnum members compare as their value, so one table of messages serves both.
"""

from __future__ import annotations

from enum import StrEnum


class TextProblem(StrEnum):
    """Why a typed text cannot be stored (values match the registration error texts)."""

    EMPTY = "empty"
    INVISIBLE = "invisible"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"


class Problem(StrEnum):
    """Why a typed answer was not accepted (each has its own message in the texts)."""

    EMPTY = "empty"
    INVISIBLE = "invisible"
    TOO_LONG = "too_long"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    ZERO = "zero"
    TOO_LARGE = "too_large"
    NOT_WHOLE = "not_whole"
    BAD_PHONE = "bad_phone"
    BAD_DIGITS = "bad_digits"  # digits of a script other than ASCII, full width or Chinese
    NOT_A_CHOICE = "not_a_choice"
    ROUGH = "rough"  # a range or a rough amount ("十几万") where one number is asked


class AttendanceProblem(StrEnum):
    """Why attendance cannot be taken (or a name marked) now."""

    NOT_FOUND = "not_found"  # no such session
    CANCELLED = "cancelled"
    NOT_STARTED = "not_started"
    NOT_LISTED = "not_listed"  # the person is no longer on the session's list


class ResubmitRefusal(StrEnum):
    """Why a returned project cannot be changed and resubmitted (now)."""

    NOT_FOUND = "not_found"  # no such project, or not the user's own
    NOT_RETURNED = "not_returned"  # already resubmitted, approved or withdrawn


class Theme(StrEnum):
    """The training themes /subscribe offers besides the town's industries (the campaign
    report's topics). The value is the tag as stored; each language names it in the texts
    (``trainings.themes``)."""

    MANAGEMENT = "经营管理"
    ECOMMERCE = "电子商务"
    FINANCE = "财税金融"
    SKILLS = "技能培训"
