"""A resident registering a project and staff reviewing it, as tests drive them through the bot."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from bot.shell.emulator import Replies, SimUser, StoredMessage
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db import audit as audit_repo
from db import projects as projects_repo
from db.models import AuditEntry, Project, ProjectStatus
from tests.conftest import ADMIN_ID, OTHER_ADMIN_ID

ZH = get_texts("zh")
R = ZH.registration
DOING = dict(ZH.common.dialog_names)["registration"]
REPROMPT_OTHER = ZH.form.reprompt_other.format(dialog=DOING)
REPROMPT_NON_TEXT = ZH.form.reprompt_non_text.format(dialog=DOING)
CANCELLED = ZH.form.cancelled.format(dialog=DOING)
ERR = dict(R.errors)


# ------------------------------------------------------------------------ the resident
async def start_registration(
    user: SimUser,
    name: str,
    *,
    industry: str = "食用菌",
    village: str = "示例一村",
    applicant: str = "党员",
) -> None:
    """/register and the four steps before the investment (name and three choices)."""
    await user.send("/register")
    await user.send(name)
    await user.press(industry)
    await user.press(village)
    await user.press(applicant)


async def fill(user: SimUser, *, name: str = "香菇大棚", **after_name: Any) -> None:
    """Drive the dialog from /register to the summary (``after_name``: answer_after_name's)."""
    await user.send("/register")
    await user.send(name)
    await answer_after_name(user, **after_name)


async def answer_after_name(
    user: SimUser,
    *,
    industry: str = "食用菌",
    village: str = "示例三村",
    applicant: str = "返乡创业人员",
    investment: str = "50",
    jobs: str = "8",
    phone: str | None = None,
) -> None:
    """Answer every step after the name, up to the summary (no referrer unless a link's)."""
    await user.press(industry)
    await user.press(village)
    await user.press(applicant)
    await user.send(investment)
    await user.send(jobs)
    if phone is None:
        await user.press(R.btn_share_phone)
    else:
        await user.send(phone)
    if R.btn_referrer_keep in user.last.button_labels:
        await user.press(R.btn_referrer_keep)
    else:
        await user.press(R.btn_no_referrer)


async def fill_until_phone(user: SimUser) -> None:
    """Answer every step before the phone."""
    await start_registration(user, "项目丙")
    await user.send("10")
    await user.send("2")


async def invite_code(referrer: SimUser) -> str:
    """The code in ``referrer``'s /invite link."""
    return re.findall(r"ref_([A-Za-z0-9_-]+)", (await referrer.send("/invite")).last.text)[0]


async def open_link_of(referrer: SimUser, friend: SimUser) -> None:
    """``friend`` opens ``referrer``'s /invite link."""
    await friend.open_deep_link(f"ref_{await invite_code(referrer)}")


async def projects_of(harness: BotHarness, user_id: int) -> list[Project]:
    async with harness.running.services.db.read() as conn:
        return await projects_repo.list_projects(conn, user_id=user_id)


async def registered(harness: BotHarness, user_id: int, name: str = "香菇大棚") -> Project:
    """A project ``user_id`` registered and submitted."""
    user = harness.user(user_id, first_name=f"居民{user_id}")
    await fill(user, name=name)
    await user.press(ZH.form.btn_submit)
    return (await projects_of(harness, user_id))[-1]


# ------------------------------------------------------------------------------ staff
def admin(harness: BotHarness) -> SimUser:
    return harness.user(ADMIN_ID, first_name="王主任")


async def staff_members(harness: BotHarness) -> tuple[SimUser, SimUser]:
    first = admin(harness)
    second = harness.user(OTHER_ADMIN_ID, first_name="刘干事")
    await first.send("/start")
    await second.send("/start")
    return first, second


async def stored(harness: BotHarness, project_id: int) -> Project:
    async with harness.running.services.db.read() as conn:
        project = await projects_repo.get_project(conn, project_id)
    assert project is not None
    return project


async def audit(harness: BotHarness, action: str) -> list[AuditEntry]:
    async with harness.running.services.db.read() as conn:
        return await audit_repo.list_audit(conn, action=action)


def card_of(staff: SimUser, project: Project) -> StoredMessage:
    """The newest review card for ``project`` in the admin's chat."""
    return next(
        m
        for m in reversed(staff.bot_messages)
        if project.ref_no in m.text.split("\n", 1)[0] and m.text.startswith("🆕")
    )


async def returned(harness: BotHarness, user_id: int, reason: str = "投资额填错了") -> Project:
    """A project of ``user_id`` that an admin returned with ``reason``."""
    first, _ = await staff_members(harness)
    project = await registered(harness, user_id)
    await first.press(R.btn_return)
    await first.send(reason)
    assert (await stored(harness, project.id)).status is ProjectStatus.RETURNED
    return project


def correct_button(project: Project) -> str:
    """The label of the button that corrects a returned project."""
    return f"✏️ 修改并重新提交 {project.ref_no}"


async def correct(applicant: SimUser, project: Project, note: str | None = None) -> Replies:
    """Press 修改并重新提交 and answer the correction's 补充说明 step (none by default); the
    replies end with the summary."""
    await applicant.press(correct_button(project))
    if note is None:
        return await applicant.press(R.btn_resubmit_note_none)
    return await applicant.send(note)


async def correcting(harness: BotHarness, user_id: int) -> tuple[Project, SimUser, StoredMessage]:
    """A returned project of ``user_id`` whose applicant pressed 修改并重新提交 on the notice
    and is at the summary (no 补充说明): the project, the applicant and that notice."""
    project = await returned(harness, user_id)
    applicant = harness.user(user_id)
    notice = applicant.last
    await correct(applicant, project)
    return project, applicant, notice


async def erase_and_find_nowhere(harness: BotHarness, user: SimUser, text: str) -> None:
    """``user`` erases their data; then no stored row anywhere holds ``text``."""
    await user.send("/deletemydata")
    await user.press(ZH.privacy.btn_confirm_delete)
    with sqlite3.connect(harness.settings.db_path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                assert not any(text in str(v) for v in row), (table, row)


async def count_projects(harness: BotHarness) -> int:
    async with harness.running.services.db.read() as conn:
        return len(await projects_repo.list_projects(conn))
