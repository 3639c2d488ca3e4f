"""PIPL through the real Application: /mydata shows everything, /deletemydata leaves nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from bot.shell.emulator import SimUser
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db import referrals, trainings
from db.audit import list_audit
from db.models import SignupStatus
from db.trainings import TrainingDraft
from handlers.privacy import as_plain_text
from tests.conftest import ADMIN_ID
from tests.registration_flow import fill
from tests.seed import add_project, add_question

ZH = get_texts("zh")
P = ZH.privacy
RESIDENT, REFERRER = 8001, 8002
NAME, USERNAME = "钱多多测试", "qian_duoduo"
PHONE, PHONE_IN_TEXT = "13987654321", "13912345678"
PROJECT = "钱多多木业加工厂"
QUESTION = "钱多多想问木材加工厂能不能退税"
MESSAGE = f"我的电话{PHONE_IN_TEXT}，想咨询联保贷款"
COMPLAINT = "钱多多在办证时被要求另交三百元服务费"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


async def _seed(harness: BotHarness) -> None:
    """Give the resident data in every table that can name them."""
    resident = harness.user(RESIDENT, first_name=NAME, username=USERNAME)
    await harness.user(REFERRER).send("/start")
    await resident.send("/start")
    await resident.send(QUESTION)
    await resident.send("/contact")
    await resident.send(MESSAGE)
    await resident.send("/complaint")
    for answer in (COMPLAINT, "镇某站所", "上周三", "跳过"):
        await resident.send(answer)
    await resident.press(ZH.complaints.btn_named)
    await resident.press(ZH.form.btn_submit)
    await resident.send("/complaints")  # refused: leaves a denied:complaints audit row
    town = harness.settings.town
    async with harness.running.services.db.write() as conn:
        project = await add_project(
            conn,
            RESIDENT,
            now=NOW,
            name=PROJECT,
            industry=town.industries[0],
            village=town.villages[0],
            applicant_type=town.applicant_types[0],
            investment_wan=120.0,
            jobs=15,
            phone=PHONE,
        )
        await referrals.credit_referral(
            conn, project_id=project.id, referrer_user_id=REFERRER, now=NOW
        )
        draft = TrainingDraft(
            title="电商直播培训",
            tags=("电商",),
            target_group="返乡创业人员",
            starts_at=NOW + timedelta(days=3),
            ends_at=NOW + timedelta(days=3, hours=2),
            place="镇文化站",
            description="手机直播带货入门",
            capacity=30,
        )
        training = await trainings.insert_training(conn, draft, created_by=ADMIN_ID, now=NOW)
        await trainings.enqueue(conn, training.id, RESIDENT, SignupStatus.SIGNED, now=NOW)
        await trainings.set_subscribed(conn, RESIDENT, "电商", True, now=NOW)


async def test_mydata_shows_everything_stored(harness: BotHarness) -> None:
    await _seed(harness)
    shown = (await harness.user(RESIDENT).send("/mydata")).text
    for expected in (
        str(RESIDENT), NAME, f"@{USERNAME}", PROJECT, PHONE, QUESTION, MESSAGE, COMPLAINT,
        "电商直播培训", "已报名", "电商", "您的项目 XM-",
    ):  # fmt: skip
        assert expected in shown, expected
    assert all(len(m.text) <= 4096 for m in harness.user(RESIDENT).bot_messages)
    # Compact on a phone: no blank line between the items of a section (issue 15.12).
    assert f"{PROJECT}" in shown
    section = shown[shown.index("问过的问题") :]
    assert "\n\n" not in section[: section.index(QUESTION) + len(QUESTION)]


async def _asked(harness: BotHarness, questions: Iterable[str]) -> SimUser:
    """The resident, having opened the bot, with these questions on record (not answered)."""
    resident = harness.user(RESIDENT, first_name=NAME)
    await resident.send("/start")
    async with harness.running.services.db.write() as conn:
        for text in questions:
            await add_question(
                conn,
                text,
                user_id=RESIDENT,
                normalized="x",
                reason="low_score",
                confidence=0.1,
                now=NOW,
            )
    return resident


async def test_mydata_lists_many_questions_without_blank_lines(harness: BotHarness) -> None:
    resident = await _asked(harness, (f"第{i}个问题：联保贷款怎么办理" for i in range(29)))
    shown = await resident.send("/mydata")
    lines = shown.text.split("\n")
    asked = [n for n, line in enumerate(lines) if "个问题：" in line]
    assert len(asked) == 29
    # One line each, no blank line between them (one where a block of 15 lines ends): the
    # list is half as long on a phone.
    blank = [n for n in range(asked[0], asked[-1]) if lines[n] == ""]
    assert len(blank) <= 1
    assert len(shown.messages) == 1


async def test_deletemydata_leaves_no_personal_field_but_keeps_counts(
    harness: BotHarness,
) -> None:
    await _seed(harness)
    resident = harness.user(RESIDENT)
    confirm = await resident.send("/deletemydata")
    assert "确定要删除" in confirm.last.text
    assert "删除后无法恢复" in confirm.last.text
    assert (await resident.press(P.btn_keep)).last.text == P.kept
    assert (await harness.running.services.users.get(RESIDENT)) is not None

    await resident.send("/deletemydata")
    erased = await resident.press(P.btn_confirm_delete)
    assert erased.last.text.startswith(P.deleted)

    # Nothing personal is left: not in any row, not in the file, not in its WAL.
    db_path = harness.settings.db_path
    secrets_ = (NAME, USERNAME, PHONE, PHONE_IN_TEXT, PROJECT, QUESTION, MESSAGE, COMPLAINT)
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        raw = path.read_bytes() if path.exists() else b""
        for secret in secrets_:
            assert secret.encode() not in raw, (path.name, secret)
    with sqlite3.connect(db_path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                assert RESIDENT not in row, (table, row)
                assert not any(str(RESIDENT) in str(v) for v in row), (table, row)
        # ...while the anonymous facts the statistics count are still there.
        assert conn.execute(
            "SELECT count(*), sum(investment_wan), sum(jobs), min(village) FROM projects"
        ).fetchone() == (1, 120.0, 15, harness.settings.town.villages[0])
        assert conn.execute("SELECT count(*) FROM questions").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM referrals").fetchone() == (1,)
        assert conn.execute("SELECT count(*), min(status) FROM complaints").fetchone() == (
            1,
            "received",
        )
    async with harness.running.services.db.read() as conn:
        entries = await list_audit(conn)
    erasure = [e for e in entries if e.action == "privacy.erase"]
    assert len(erasure) == 1
    assert erasure[0].detail == "projects=1 questions=1 messages=1 withdrawn=1"
    assert [e.actor_id for e in entries if e.action.startswith("denied:")] == [None]

    # The resident can carry on: they are recorded afresh, and questions are logged again.
    await resident.send("/start")
    await resident.send("新上项目税收能返还吗")
    assert await harness.running.services.users.get(RESIDENT) is not None
    with sqlite3.connect(db_path) as conn:
        asked = conn.execute("SELECT count(*) FROM questions WHERE user_id = ?", (RESIDENT,))
        assert asked.fetchone() == (1,)
    mine = (await resident.send("/mydata")).text
    assert PHONE not in mine
    assert PROJECT not in mine


async def test_long_mydata_comes_as_a_file(harness: BotHarness) -> None:
    resident = await _asked(
        harness, (f"第{i}个问题：" + "我想了解创业扶持政策的具体内容" * 12 for i in range(60))
    )
    replies = await resident.send("/mydata")
    assert replies.last.text == P.as_document
    document = replies.last.document
    assert document is not None
    assert document[0] == P.document_name
    content = document[1].decode("utf-8")
    assert "第0个问题" in content
    assert "第59个问题" in content
    assert "<b>" not in content


def test_the_document_is_plain_text() -> None:
    assert as_plain_text(["<b>标题</b> &amp; 内容"]) == "标题 & 内容".encode()


async def test_deletemydata_erases_the_phone_an_admin_has_open_in_a_return(
    harness: BotHarness,
) -> None:
    r = ZH.registration
    admin = harness.user(ADMIN_ID, first_name="王主任")
    await admin.send("/start")
    applicant = harness.user(RESIDENT, first_name=NAME)
    await fill(applicant, name=PROJECT, phone=PHONE)
    await applicant.press(ZH.form.btn_submit)
    assert PHONE in admin.last.text  # staff see the full number on the card
    card = admin.last
    # The admin presses 退回 and is asked for a reason: the dialog is open and stored.
    await admin.press(r.btn_return)

    await applicant.send("/deletemydata")
    assert (await applicant.press(P.btn_confirm_delete)).last.text.startswith(P.deleted)
    await harness.running.services.db.checkpoint()
    db_path = harness.settings.db_path
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        raw = path.read_bytes() if path.exists() else b""
        for secret in (PHONE, NAME, PROJECT):
            assert secret.encode() not in raw, (path.name, secret)

    # The admin finishes the return: the erasure withdrew the project, so it is not returned;
    # the card says so, re-rendered from what is left.
    withdrawn = r.withdrawn_erased.format(ref_no="XM-2026-0001")
    assert (await admin.send("材料不全")).texts[0] == withdrawn
    marked = next(m for m in admin.bot_messages if m.message_id == card.message_id)
    assert withdrawn in marked.text
    assert r.name_erased in marked.text
    assert PHONE not in marked.text
    assert marked.inline_buttons == []
