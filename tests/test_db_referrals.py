"""Referral repository functions: crediting, and the refusals the code and the schema enforce."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from db import projects, referrals
from db.database import Database
from db.models import ProjectStatus, ReferralRefusal
from tests.seed import MARCH_1 as T0
from tests.seed import add_project, add_user


async def test_referral_credit_and_refusals(db: Database) -> None:
    for uid in (1, 2, 3):
        await add_user(db, uid)
    async with db.write() as conn:
        project = await add_project(conn, 2, now=T0)
        own = await referrals.credit_referral(
            conn, project_id=project.id, referrer_user_id=2, now=T0
        )
        unknown_user = await referrals.credit_referral(
            conn, project_id=project.id, referrer_user_id=404, now=T0
        )
        unknown_project = await referrals.credit_referral(
            conn, project_id=999, referrer_user_id=1, now=T0
        )
        credited = await referrals.credit_referral(
            conn, project_id=project.id, referrer_user_id=1, now=T0
        )
        twice = await referrals.credit_referral(
            conn, project_id=project.id, referrer_user_id=3, now=T0
        )
    assert own.refused is ReferralRefusal.SELF_REFERRAL
    assert unknown_user.refused is ReferralRefusal.UNKNOWN_REFERRER
    assert unknown_project.refused is ReferralRefusal.UNKNOWN_PROJECT
    assert twice.refused is ReferralRefusal.ALREADY_CREDITED
    assert credited.credited
    assert credited.referral is not None
    assert (credited.referral.referrer_user_id, credited.referral.referred_user_id) == (1, 2)

    async with db.read() as conn:
        mine = await referrals.list_referred_projects(conn, 1)
        counts = await referrals.count_referrals(conn)
    assert [(p.ref_no, p.reward_eligible) for p in mine] == [(project.ref_no, False)]
    assert (counts.total, counts.eligible) == (1, 0)

    async with db.write() as conn:
        await projects.set_project_status(
            conn, project.id, ProjectStatus.APPROVED, actor_id=900, now=T0
        )
    async with db.read() as conn:
        assert [p.reward_eligible for p in await referrals.list_referred_projects(conn, 1)] == [
            True
        ]
        assert (await referrals.count_referrals(conn)).eligible == 1
        assert (await referrals.count_referrals(conn, since=T0 + timedelta(days=1))).total == 0


async def test_schema_itself_refuses_self_referral_and_double_credit(db: Database) -> None:
    for uid in (1, 2):
        await add_user(db, uid)
    async with db.write() as conn:
        project = await add_project(conn, 2, now=T0)
        insert = (
            "INSERT INTO referrals (project_id, referrer_user_id, referred_user_id, created_at) "
            "VALUES (?, ?, ?, 't')"
        )
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            await conn.execute(insert, (project.id, 2, 2))
        await conn.execute(insert, (project.id, 1, 2))
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            await conn.execute(insert, (project.id, 1, 2))


async def test_counted_referrals_include_referrers_typed_by_name(db: Database) -> None:
    for uid in (1, 2, 3, 4, 5):
        await add_user(db, uid)
    async with db.write() as conn:
        linked = await add_project(conn, 2, now=T0)
        await referrals.credit_referral(conn, project_id=linked.id, referrer_user_id=1, now=T0)
        await add_project(conn, 3, now=T0, referrer_note="李四")  # a referrer without Telegram
        await add_project(conn, 4, now=T0, referrer_note=" 无 ")  # stored before 无 meant none
        await add_project(conn, 5, now=T0)
    async with db.read() as conn:
        counted = await referrals.count_referrals(conn, no_one=frozenset({"无"}))
        later = await referrals.count_referrals(conn, since=T0 + timedelta(days=1))
    assert (counted.total, counted.linked, counted.named, counted.eligible) == (2, 1, 1, 0)
    assert later.total == 0
