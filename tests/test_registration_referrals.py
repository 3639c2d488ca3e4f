"""Referral links: the /invite code, crediting the referrer, refusals with a reason, and what the
referrer is told (never a promised reward)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot.settings import Settings
from bot.shell.emulator import SimUser
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts
from db import projects as projects_repo
from db import referrals as referrals_repo
from db import users as users_repo
from tests.registration_flow import (
    ZH,
    R,
    admin,
    fill,
    fill_until_phone,
    invite_code,
    open_link_of,
    projects_of,
)


async def test_referral_link_prefills_and_credits_the_referrer(harness: BotHarness) -> None:
    staff = admin(harness)
    await staff.send("/start")
    referrer = harness.user(201, first_name="老张")
    replies = await referrer.send("/invite")
    photo = replies.last
    assert photo.photo is not None
    assert photo.photo[1].startswith(b"\x89PNG")
    match = re.search(r"https://t\.me/chuangye_local_bot\?start=ref_([A-Za-z0-9_-]+)", photo.text)
    assert match is not None
    code = match[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,60}", code)
    again = await referrer.send("/invite")
    assert code in again.last.text  # the same code every time
    friend = harness.user(202, first_name="小王")
    opened = await friend.open_deep_link(f"ref_{code}")
    # Told at once whose link it was, not only at the referrer step.
    assert "您是通过 老张 的引荐链接来的" in opened.text
    await fill(friend)
    assert "老张（引荐链接）" in friend.last.text
    replies = await friend.press(ZH.form.btn_submit)
    assert "已记 老张 为本项目的引荐人" in replies.text
    mine = (await referrer.send("/myreferrals")).text
    assert "共 1 个" in mine
    assert "其中 0 个" in mine
    assert R.reward_pending in mine
    assert "老张" in staff.last.text
    await staff.press(R.btn_approve)
    assert "已通过审核" in friend.last.text
    # The referrer hears what the report says and who decides, never a promise (issue 15.3).
    told = referrer.last.text
    assert "每新上一个项目对引荐人给予一定的现金奖励" in told
    assert "由镇创业办确定" in told
    assert "符合奖励条件" not in told
    mine = (await referrer.send("/myreferrals")).text
    assert "其中 1 个" in mine
    assert R.reward_eligible in mine
    assert "通过审核不等于一定有奖励" in mine
    assert "可获" not in mine


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_text_promises_a_reward_on_approval(lang: str) -> None:
    """Every reward wording quotes the report and leaves amount and conditions to the office."""
    r = get_texts(lang).registration
    for text in (r.invite, r.referrer_approved, r.my_referrals_header):
        assert "每新上一个项目对引荐人给予一定的现金奖励" in text
        assert ("创业办确定" in text) if lang == "zh" else ("office decides" in text)
    forbidden = (
        ("符合奖励条件", "可获") if lang == "zh" else ("is eligible", "reward-eligible", "you may")
    )
    for text in (r.invite, r.referrer_approved, r.my_referrals_header, r.reward_eligible):
        assert not any(word in text for word in forbidden)


async def test_referral_link_can_be_declined_or_replaced(harness: BotHarness) -> None:
    referrer = harness.user(203, first_name="老李")
    friend = harness.user(204)
    await open_link_of(referrer, friend)
    await fill_until_phone(friend)
    await friend.press(R.btn_share_phone)
    assert "老李" in friend.last.text
    await friend.press(R.btn_no_referrer)
    assert "引荐人：无" in friend.last.text
    await friend.press(ZH.form.btn_submit)
    async with harness.running.services.db.read() as conn:
        [project] = await projects_repo.list_projects(conn, user_id=204)
        assert await referrals_repo.get_referral(conn, project.id) is None
    assert R.my_referrals_none in (await referrer.send("/myreferrals")).text


async def test_own_referral_link_is_refused_with_a_reason(harness: BotHarness) -> None:
    user = harness.user(205)
    code = await invite_code(user)
    assert (await user.open_deep_link(f"ref_{code}")).last.text == R.link_self  # told at once
    await fill_until_phone(user)
    replies = await user.press(R.btn_share_phone)
    assert R.referrer_self in replies.text
    assert R.btn_referrer_keep not in user.last.button_labels
    await user.press(R.btn_no_referrer)
    await user.press(ZH.form.btn_submit)
    assert R.my_referrals_none in (await user.send("/myreferrals")).text


async def test_unknown_referral_code_is_explained(harness: BotHarness) -> None:
    user = harness.user(206)
    # Told at once (issue 15.12), not only at the referrer step of a later registration.
    assert (await user.open_deep_link("ref_nosuchcode")).last.text == R.link_unknown
    assert (await user.open_deep_link("ref_")).last.text == R.link_unknown
    await user.open_deep_link("ref_nosuchcode")
    await fill_until_phone(user)
    assert R.referrer_unknown in (await user.press(R.btn_share_phone)).text


async def test_referrer_who_left_is_refused_at_submit_with_a_reason(harness: BotHarness) -> None:
    referrer = harness.user(207, first_name="老赵")
    friend = harness.user(208)
    await open_link_of(referrer, friend)
    await fill(friend)
    async with harness.running.services.db.write() as conn:
        await users_repo.erase_user(conn, 207)
    replies = await friend.press(ZH.form.btn_submit)
    assert dict(R.referral_refused)["unknown_referrer"] in replies.text
    assert len(await projects_of(harness, 208)) == 1


async def test_the_referrer_hears_of_the_approval_in_their_language(harness: BotHarness) -> None:
    staff = admin(harness)
    await staff.send("/start")
    referrer = harness.user(221, first_name="Old Zhang", language_code="en")
    friend = harness.user(222, first_name="小王")
    await open_link_of(referrer, friend)
    await fill(friend, name="竹编工坊")
    await friend.press(ZH.form.btn_submit)
    before = len(referrer.bot_messages)
    await staff.press(R.btn_approve)
    [told] = referrer.bot_messages[before:]
    assert "The project you referred" in told.text
    assert "竹编工坊" in told.text
    assert "the entrepreneurship office decides the amount" in told.text
    assert "0000-1234567" in told.text  # where to ask about the reward
    assert "已通过审核" in friend.last.text


async def test_a_project_without_a_referrer_tells_only_the_applicant(
    harness: BotHarness,
) -> None:
    staff = admin(harness)
    await staff.send("/start")
    bystander = harness.user(223)
    await bystander.send("/invite")
    before = len(bystander.bot_messages)
    user = harness.user(224)
    await fill(user)
    await user.press(ZH.form.btn_submit)
    await staff.press(R.btn_approve)
    assert "已通过审核" in user.last.text
    assert len(bystander.bot_messages) == before


async def test_a_telegram_invite_also_names_the_web_page_when_it_is_public(
    settings: Settings,
) -> None:
    site = "https://cy.example.cn"
    async with bot_harness(replace(settings, web=replace(settings.web, public_url=site))) as h:
        text = (await h.user(201, first_name="老张").send("/invite")).last.text
    code = re.search(r"https://t\.me/chuangye_local_bot\?start=ref_([A-Za-z0-9_-]+)", text)
    assert code is not None
    assert f"{site}/?start=ref_{code[1]}" in text  # the same code, on the web page
    assert "不用 Telegram 的朋友" in text


def _stats_row(text: str, label: str) -> list[str]:
    """The values of /stats' row ``label`` (the label itself may have spaces)."""
    line = next(line for line in text.splitlines() if line.strip().startswith(label.strip()))
    return line.strip().removeprefix(label.strip()).split()


async def test_stats_count_referrers_typed_by_name_as_well_as_links(harness: BotHarness) -> None:
    # tester3 #11: /stats' 引荐项目 counted invite links only, not a referrer typed by name.
    staff = admin(harness)
    await staff.send("/start")
    for user_id, typed in ((211, "李四"), (212, "无"), (213, "好的")):
        resident = harness.user(user_id)
        await fill_until_phone(resident)
        await resident.send(f"138001380{user_id % 100:02d}")
        replies = await resident.send(typed)
        if typed == "好的":  # "yes" with no link to keep: asked for a name
            assert replies.last.text.startswith(R.referrer_yes_unlinked)
            await resident.send("没有")
        await resident.press(ZH.form.btn_submit)
    [named] = await projects_of(harness, 211)
    assert named.referrer_note == "李四"
    for user_id in (212, 213):  # 无 / 没有 typed: no referrer stored
        assert (await projects_of(harness, user_id))[0].referrer_note is None
    friend = harness.user(214)
    await open_link_of(harness.user(215, first_name="老张"), friend)
    await friend.send("/register")
    await friend.send("养鸡场")
    await fill_answers_keeping_link(friend)
    for _ in range(4):
        await staff.press(R.btn_approve)
    text = (await staff.send("/stats")).messages[0].text
    stats = ZH.stats
    assert _stats_row(text, stats.referrals) == ["2"]
    assert _stats_row(text, stats.referrals_linked) == ["1"]
    assert _stats_row(text, stats.referrals_named) == ["1"]
    assert _stats_row(text, stats.referrals_eligible) == ["2", "(100.0%)"]
    en = get_texts("en")
    await staff.send("/language")
    await staff.press("English")
    text = (await staff.send("/stats")).messages[0].text
    assert _stats_row(text, en.stats.referrals_named) == ["1"]


async def fill_answers_keeping_link(friend: SimUser) -> None:
    """Answer after the name; at the referrer step type 好的 (keeps the link's referrer)."""
    for label in ("食用菌", "示例一村", "党员"):
        await friend.press(label)
    for typed in ("10", "2", "13800138214"):
        await friend.send(typed)
    assert R.btn_referrer_keep in friend.last.button_labels
    await friend.send("好的")
    await friend.press(ZH.form.btn_submit)
