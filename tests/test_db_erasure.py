"""Erasing a user in the store: no personal field is left, not even in the file; counts stay."""

from __future__ import annotations

from db import projects, questions, referrals, users
from db.database import Database
from tests import queries
from tests.seed import MARCH_1 as T0
from tests.seed import add_project, add_question, add_user


async def test_erase_user_leaves_no_personal_field_but_keeps_counts(db: Database) -> None:
    phone = "13987654321"
    await add_user(db, 1, name="张三丰")
    await add_user(db, 2, name="referrer")
    async with db.write() as conn:
        project = await add_project(conn, 1, name="张三丰养殖场", phone=phone, now=T0)
        await referrals.credit_referral(conn, project_id=project.id, referrer_user_id=2, now=T0)
        await add_question(
            conn, f"我的电话{phone}能办吗", user_id=1, reason="", confidence=0.1, now=T0
        )
        await conn.execute(
            "INSERT INTO ptb_user_data (user_id, data, updated_at) VALUES (1, ?, 't')",
            (f'{{"phone": "{phone}"}}',),
        )
        await conn.execute(
            "INSERT INTO ptb_conversations (name, key, state, updated_at) "
            "VALUES ('register', '[1,1]', '3', 't')"
        )
        await users.get_or_create_referral_code(conn, 1)
    async with db.write() as conn:
        assert await users.erase_user(conn, 1)
        assert not await users.erase_user(conn, 1)

    async with db.read() as conn:
        assert await users.get_user(conn, 1) is None
        kept = await projects.get_project(conn, project.id)
        stats = await queries.project_stats(conn)
        counts = await questions.count_by_decision(conn)
        referral = await referrals.get_referral(conn, project.id)
    assert kept is not None
    assert (kept.user_id, kept.name, kept.phone) == (None, None, None)
    assert (stats.total, stats.investment_wan, stats.by_village) == (1, 50.0, (("示例一村", 1),))
    assert counts.abstain == 1
    assert referral is not None
    assert (referral.referrer_user_id, referral.referred_user_id) == (2, None)

    # Nothing identifying is left anywhere in the file, WAL included.
    await db.checkpoint()
    raw = _file_bytes(db)
    for needle in (phone, "张三丰"):
        assert needle.encode() not in raw, needle


def _file_bytes(db: Database) -> bytes:
    return b"".join(
        p.read_bytes() for p in sorted(db.path.parent.iterdir()) if p.name.startswith(db.path.name)
    )


async def test_without_erasure_the_phone_is_in_the_file(db: Database) -> None:
    # The control for the test above: the byte search does find a stored phone number.
    await add_user(db, 1)
    async with db.write() as conn:
        await add_project(conn, 1, phone="13987654321", now=T0)
    await db.checkpoint()
    assert b"13987654321" in _file_bytes(db)
