"""Every kind of inline button the bot sends, one typed class each (see ``bot.callbacks``).

A button's feature code is spelled here and nowhere else: handlers build a button with
``TopicButton(topic.id).pack()``, read a press with ``TopicButton.unpack(query.data)`` (``None``
when stale or forged) and register with ``TopicButton.pattern()``. Classes are grouped by the
feature that answers them; a subclass extends its family's prefix (``v1:rev:ok:…``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from bot.callbacks import CallbackData
from bot.services.export import ExportFormat, ExportKind

# -- start ------------------------------------------------------------------------------------


class LanguageButton(CallbackData, prefix="lang"):
    """中文 / English."""

    lang: Literal["zh", "en"]


# -- Q&A --------------------------------------------------------------------------------------


class CategoriesButton(CallbackData, prefix="cats"):
    """The category menu: as a new message, or in place of the topic list (``in_place``)."""

    in_place: bool = False


class CategoryButton(CallbackData, prefix="cat"):
    """The topics of one category."""

    category_id: str


class _OfTopic(CallbackData, prefix=None):
    topic_id: str


class TopicButton(_OfTopic, prefix="topic"):
    """One topic's answer; with ``question_id``, offered as the answer to that question (the
    "您是想问…" choice), so the pick and its 👍/👎 count for the question asked."""

    question_id: int | None = None


class SourceButton(_OfTopic, prefix="src"):
    """The report sentences a topic rests on."""


class Vote(StrEnum):
    """👍 or 👎."""

    UP = "u"
    DOWN = "d"


class FeedbackButton(CallbackData, prefix="fb"):
    """👍/👎 on the answer to one logged question."""

    vote: Vote
    question_id: int


class LeaveMessageButton(CallbackData, prefix="contact"):
    """Leave the office a message (opens the contact dialog)."""


class ReplyMessageButton(CallbackData, prefix="ctreply"):
    """回复: staff answer a resident's message (opens the reply dialog)."""

    message_id: int


# -- unanswered questions (staff) -------------------------------------------------------------


class PickTopicButton(CallbackData, prefix="uap"):
    """Offer the likely topics of one unanswered question."""

    question_id: int


class TopicsPageButton(CallbackData, prefix="uat"):
    """One page of every topic, to attach a question to."""

    question_id: int
    page: int


class AttachExampleButton(CallbackData, prefix="uaa"):
    """Store a question as an example of a topic."""

    question_id: int
    topic_id: str


# -- export (staff) ---------------------------------------------------------------------------


class ExportButton(CallbackData, prefix="exp"):
    """Export one kind of data; without a format, ask for it."""

    kind: ExportKind
    format: ExportFormat | None = None


# -- privacy ----------------------------------------------------------------------------------


class EraseButton(CallbackData, prefix="priv"):
    """Confirm erasing one's own data, or keep it."""

    choice: Literal["erase", "keep"]


# -- projects: registration and review --------------------------------------------------------


class RegistrationButton(CallbackData, prefix="reg"):
    """The registration family (its dialog's buttons and the resubmit button)."""


class ResubmitButton(RegistrationButton, prefix="again"):
    """Correct and resubmit a returned project."""

    project_id: int


class ReviewButton(CallbackData, prefix="rev"):
    """A project card's decision buttons, for one submission (cards from before submissions were
    counted are of the first)."""

    project_id: int
    submission: int = 1


class ApproveButton(ReviewButton, prefix="ok"):
    """通过."""


class ReturnButton(ReviewButton, prefix="ret"):
    """退回 (opens the return-reason dialog)."""


# -- complaints -------------------------------------------------------------------------------


class CheckComplaintButton(CallbackData, prefix="cpchk"):
    """An anonymous complaint's progress, from the button carrying its 查询码."""

    ref_no: str
    check_code: str


class OfComplaint(CallbackData, prefix=None):
    """A staff button about one complaint."""

    complaint_id: int


class ViewComplaintButton(OfComplaint, prefix="cpview"):
    """One complaint's staff card."""


class HandlingButton(OfComplaint, prefix="cphand"):
    """受理中: staff mark a complaint as being handled."""


class ResolveComplaintButton(OfComplaint, prefix="cpres"):
    """已办结 (opens the staff's resolution-note dialog)."""


# -- trainings (handlers.trainings) -----------------------------------------------------------


class SessionAction(StrEnum):
    """What a button on a session's card does."""

    JOIN = "join"  # 报名 (or join the waitlist)
    LEAVE = "leave"  # 取消报名: ask first
    CONFIRM_LEAVE = "leaveok"
    KEEP_SEAT = "keepseat"  # 保留报名: the card as it was
    CALENDAR = "ics"  # the session as a calendar file
    MANAGE = "adm"  # 🛠 the staff's view of the session


class TrainingButton(CallbackData, prefix="tr"):
    """The residents' training buttons (and 🛠 for staff)."""


class SessionButton(TrainingButton, prefix=None):
    """A button on a session's card."""

    action: SessionAction
    training_id: int


class SubscriptionButton(TrainingButton, prefix="sub"):
    """Flip one tag (its index in the settings), everything, or close the picker."""

    choice: Literal["all", "done"] | int


class StaffAction(StrEnum):
    """What a button of the staff's view of a session does (改… is ``EditTrainingButton``)."""

    MOVE = "move"  # 改期: opens the move dialog
    CANCEL = "cancel"  # 取消培训: ask to confirm
    CONFIRM_CANCEL = "cancelok"
    KEEP = "keep"  # keep the session after all


class TrainingStaffButton(CallbackData, prefix="trs"):
    """The staff's buttons on a session."""


class StaffSessionButton(TrainingStaffButton, prefix=None):
    """A button of the staff's view of a session."""

    action: StaffAction
    training_id: int


TrainingField = Literal[
    "title", "title_en", "place", "capacity", "description", "target_group", "tags"
]


class EditTrainingButton(TrainingStaffButton, prefix="edit"):
    """改地点 / 改名额 ...: opens the dialog that changes one field."""

    training_id: int
    field: TrainingField


# -- training attendance (handlers.attendance) ------------------------------------------------


class AttendanceButton(CallbackData, prefix="tra"):
    """A staff button about one session's attendees."""

    training_id: int


class OpenSessionButton(AttendanceButton, prefix="open"):
    """A session picked in /attendance: show its three buttons."""


class AttendeeListButton(AttendanceButton, prefix="list"):
    """👥 the attendee list in the chat."""


class SignInSheetButton(AttendanceButton, prefix="xlsx"):
    """📄 the Excel sign-in sheet."""


class MarkingButton(AttendanceButton, prefix="mark"):
    """✅ the marking view (page 0: from the 🛠 view, as a new message; else that page, edited)."""

    page: int = 0


class MarkAttendeeButton(AttendanceButton, prefix="set"):
    """One name in the marking view: came / did not come."""

    user_id: int
    page: int


class RestAbsentButton(AttendanceButton, prefix="rest"):
    """Everyone signed up and not marked did not come."""

    page: int


# -- dialogs (handlers.form_router) -----------------------------------------------------------


class FormButton(CallbackData, prefix="f"):
    """A dialog's button: which form, what it does (``c`` a step's option, ``submit``,
    ``edit``, ``field``, ``sum``, ``x``), and the step and value it is for."""

    form: str
    action: str
    step: str = ""
    value: str = ""
