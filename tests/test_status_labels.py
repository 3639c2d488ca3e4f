"""One label per status: registration, review, complaints, /mydata, /stats and the exports agree.

Each test renders the same stored status on every screen that shows it, reads the label back
from each, and compares them with each other and with the one table in the texts.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum

import pytest

from bot.services.export import ExportKind
from bot.shell.emulator.users import SimUser
from bot.shell.harness import BotHarness
from bot.texts import LANGUAGES, get_texts, status_label
from db.models import ComplaintStatus, ProjectStatus, SignupStatus, TrainingStatus
from tests.conftest import ADMIN_ID, OTHER_ADMIN_ID
from tests.export_sheets import export_sheet
from tests.registration_flow import fill
from tests.seed import START, publish_training
from tests.test_complaints import _file, _ref

ZH = get_texts("zh")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("enum", [ProjectStatus, ComplaintStatus, TrainingStatus, SignupStatus])
def test_every_status_has_one_distinct_label(lang: str, enum: type[StrEnum]) -> None:
    t = get_texts(lang)
    labels = [status_label(t, member) for member in enum]  # type: ignore[arg-type]
    assert all(labels)
    assert len(set(labels)) == len(labels)


def one(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.MULTILINE)
    assert match, (pattern, text)
    return match.group(1)


async def exported(h: BotHarness, kind: ExportKind, key: str, header: str) -> str:
    sheet = await export_sheet(h.running.services, kind, ZH)
    rows = [dict(zip(sheet.headers, row, strict=True)) for row in sheet.rows]
    [row] = [r for r in rows if str(r[sheet.headers[0]]) == key]
    return str(row[header])


async def stats_labels(admin: SimUser, header: str) -> list[str]:
    """The row labels of one table of /stats."""
    replies = await admin.send("/stats")
    text = next(m.text for m in replies.messages if "全民创业统计" in m.text)
    block = text.split(f"\n{header}", 1)[1].split("\n\n", 1)[0]
    rows = block.split("\n", 1)[1]  # below the header's own line
    return [line.split()[0] for line in rows.splitlines() if line.strip()]


async def project_labels(h: BotHarness, resident: SimUser, ref: str) -> dict[str, str]:
    admin = h.user(ADMIN_ID)
    mydata = (await resident.send("/mydata")).text
    return {
        "myprojects": one(r"当前状态：(\S+)", (await resident.send("/myprojects")).text),
        "mydata": one(rf"^{ref} .* · (\S+)$", mydata),
        "stats": (await stats_labels(admin, "项目"))[0],
        "export": await exported(h, ExportKind.PROJECTS, ref, "状态"),
    }


async def test_a_project_status_reads_the_same_everywhere(bot: BotHarness) -> None:
    resident = bot.user(4201)
    bot.user(ADMIN_ID, first_name="王主任")
    bot.user(OTHER_ADMIN_ID)
    await fill(resident)
    confirmation = (await resident.press(ZH.form.btn_submit)).messages[0].text
    ref = one(r"(XM-\d{4}-\d{4})", confirmation)
    submitted = status_label(ZH, ProjectStatus.SUBMITTED)
    labels = await project_labels(bot, resident, ref)
    labels["registration"] = one(r"状态：(\S+)", confirmation)
    assert set(labels.values()) == {submitted}, labels

    await bot.user(ADMIN_ID).press(ZH.registration.btn_approve)
    approved = status_label(ZH, ProjectStatus.APPROVED)
    labels = await project_labels(bot, resident, ref)
    replayed = await bot.user(OTHER_ADMIN_ID).press(ZH.registration.btn_approve)
    labels["review"] = one(r"处理过了（(\S+)）", replayed.toast or "")
    assert set(labels.values()) == {approved}, labels


async def complaint_labels(h: BotHarness, resident: SimUser, ref: str) -> dict[str, str]:
    admin = h.user(ADMIN_ID)
    return {
        "staff list": one(rf"^{ref} · (\S+) · ", (await admin.send("/complaints")).text),
        "complaint_status": one(
            rf"^{ref} · (\S+)$", (await resident.send("/complaint_status")).text
        ),
        "mydata": one(rf"^{ref} · (\S+) · ", (await resident.send("/mydata")).text),
        "export": await exported(h, ExportKind.COMPLAINTS, ref, "状态"),
    }


async def test_a_complaint_status_reads_the_same_everywhere(bot: BotHarness) -> None:
    resident, admin = bot.user(4202), bot.user(ADMIN_ID)
    ref = _ref(await _file(resident, anonymous=False))
    received = status_label(ZH, ComplaintStatus.RECEIVED)
    labels = await complaint_labels(bot, resident, ref)
    notice = next(m.text for m in admin.bot_messages if ref in m.text and "状态：" in m.text)
    labels["staff notice"] = one(r"状态：(\S+)", notice)
    assert set(labels.values()) == {received}, labels

    await admin.send("/complaints")
    await admin.press(ref)
    toast = (await admin.press(ZH.complaints.btn_handling)).toast or ""
    news = resident.last.text
    handling = status_label(ZH, ComplaintStatus.HANDLING)
    labels = await complaint_labels(bot, resident, ref)
    labels["staff toast"] = one(r"已改为“(\S+)”", toast)
    labels["resident news"] = one(r"有新进展：(\S+)", news)
    labels["button"] = ZH.complaints.btn_handling.split()[-1]
    assert set(labels.values()) == {handling}, labels


async def test_training_and_signup_statuses_read_the_same_everywhere(bot: BotHarness) -> None:
    service = bot.running.services.trainings
    tid = await publish_training(bot, capacity=5)
    resident = bot.user(4203)
    await resident.send("/start")
    await service.signup(tid, resident.id)
    await service.move(tid, START + timedelta(days=1), actor=ADMIN_ID)

    moved = status_label(ZH, TrainingStatus.MOVED)
    card = (await resident.send("/mytrainings")).text
    training = {
        "card": one(r"模板加工培训（(\S+)）", card),
        "export": await exported(bot, ExportKind.TRAININGS, str(tid), "状态"),
    }
    assert set(training.values()) == {moved}, training

    signed = status_label(ZH, SignupStatus.SIGNED)
    signup = {
        "mydata": one(r"模板加工培训 · (\S+)$", (await resident.send("/mydata")).text),
        "stats": (await stats_labels(bot.user(ADMIN_ID), "培训报名"))[0],
    }
    assert set(signup.values()) == {signed}, signup
