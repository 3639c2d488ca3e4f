"""bot.callbacks: typed button data (encode, validate, patterns) and the older helpers."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

import pytest

from bot import callbacks


def _matches(regex: str, data: str) -> bool:
    return re.match(regex, data) is not None


def test_pattern_without_actions_matches_every_button_of_the_feature() -> None:
    regex = callbacks.pattern("tr")
    assert _matches(regex, "v1:tr")
    assert _matches(regex, "v1:tr:join:5")
    assert not _matches(regex, "v1:trs:join:5")
    assert not _matches(regex, "v2:tr:join:5")


def test_pattern_with_actions_matches_only_those_actions() -> None:
    regex = callbacks.pattern("cp", "named", "anonymous")
    assert _matches(regex, "v1:cp:named")
    assert _matches(regex, "v1:cp:anonymous:1")
    assert not _matches(regex, "v1:cp:namedx")
    assert not _matches(regex, "v1:cp:skip")
    assert not _matches(regex, "v1:cpx:named")
    assert not _matches(regex, "v1:cp")


def test_pattern_escapes_actions() -> None:
    regex = callbacks.pattern("f", "a.b")
    assert _matches(regex, "v1:f:a.b")
    assert not _matches(regex, "v1:f:axb")


def test_decode_id_reads_what_encode_wrote() -> None:
    assert callbacks.decode_id(callbacks.encode("cpview", 42), "cpview") == 42
    assert callbacks.decode_id(callbacks.encode("rv", "ok", 7), "rv", "ok") == 7
    assert callbacks.decode_id(callbacks.encode("rv", "ok", 0), "rv", "ok") == 0


@pytest.mark.parametrize(
    ("data", "feature", "action"),
    [
        (None, "cpview", None),
        ("", "cpview", None),
        ("v1:cpview:abc", "cpview", None),  # not digits
        ("v1:cpview:-5", "cpview", None),  # negative
        ("v1:cpview:1.5", "cpview", None),
        ("v1:cpview:", "cpview", None),
        ("v1:cpview:٣", "cpview", None),  # a non-ASCII digit
        ("v1:cpview:99999999999999999999", "cpview", None),  # beyond SQLite's integers
        ("v1:cpview:1:2", "cpview", None),  # extra part
        ("v1:cpview", "cpview", None),  # missing id
        ("v1:cpres:5", "cpview", None),  # another feature
        ("v0:cpview:5", "cpview", None),  # another version
        ("v1:cpview:" + "1" * 60, "cpview", None),  # longer than 64 bytes
        ("v1:rv:ok:5", "rv", "no"),  # another action
        ("v1:rv:ok:5:6", "rv", "ok"),  # extra part
        ("v1:rv:ok", "rv", "ok"),  # missing id
        ("v1:rv:5", "rv", "ok"),  # missing action
        ("v1:rv:ok:x5", "rv", "ok"),
    ],
)
def test_decode_id_refuses_forged_data(data: str | None, feature: str, action: str | None) -> None:
    assert callbacks.decode_id(data, feature, action) is None


def test_decode_id_accepts_the_largest_integer_only() -> None:
    assert callbacks.decode_id(f"v1:f:{callbacks.MAX_ID}", "f") == callbacks.MAX_ID
    assert callbacks.decode_id(f"v1:f:{callbacks.MAX_ID + 1}", "f") is None


# -- typed button data ---------------------------------------------------------------------------


class Vote(StrEnum):
    UP = "u"
    DOWN = "d"


class VoteButton(callbacks.CallbackData, prefix="t-vote"):
    vote: Vote
    question_id: int


class Card(callbacks.CallbackData, prefix="t-card"):
    """A family: its pattern matches every button below it."""


class CardOk(Card, prefix="ok"):
    project_id: int
    submission: int | None = None


class Menu(callbacks.CallbackData, prefix="t-menu"):
    kind: Literal["a", "b"]
    in_place: bool = False
    name: str = ""


class Pair(callbacks.CallbackData, prefix="t-pair"):
    first: str
    second: str


def test_a_button_reads_back_what_it_wrote() -> None:
    assert VoteButton(Vote.UP, 7).pack() == "v1:t-vote:u:7"
    assert VoteButton.unpack("v1:t-vote:u:7") == VoteButton(Vote.UP, 7)
    assert CardOk(5, 2).pack() == "v1:t-card:ok:5:2"
    assert CardOk.unpack(CardOk(5, 2).pack()) == CardOk(5, 2)
    assert Menu("b", True, "x.y").pack() == "v1:t-menu:b:1:x.y"
    assert Menu.unpack("v1:t-menu:b:1:x.y") == Menu("b", True, "x.y")


def test_trailing_defaults_are_left_out_and_read_back() -> None:
    assert CardOk(5).pack() == "v1:t-card:ok:5"  # a card from before submissions were counted
    assert CardOk.unpack("v1:t-card:ok:5") == CardOk(5, None)
    assert Menu("a").pack() == "v1:t-menu:a"
    assert Menu("a", name="n").pack() == "v1:t-menu:a:0:n"
    assert Menu.unpack("v1:t-menu:a") == Menu("a")


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        5,
        "v1:t-vote",  # missing fields
        "v1:t-vote:u",
        "v1:t-vote:x:7",  # not a vote
        "v1:t-vote:u:-7",
        "v1:t-vote:u:٧",  # a non-ASCII digit
        "v1:t-vote:u:7.0",
        f"v1:t-vote:u:{callbacks.MAX_ID + 1}",
        "v1:t-vote:u:7:8",  # an extra part
        "v2:t-vote:u:7",
        "v1:t-votes:u:7",
        "v1:t-vote:u:" + "7" * 60,  # longer than 64 bytes
        "v1:t-vote:u:<b>",
    ],
)
def test_forged_or_stale_data_unpacks_to_none(data: object) -> None:
    assert VoteButton.unpack(data) is None


def test_a_family_and_its_members_do_not_unpack_each_other() -> None:
    assert Card.unpack("v1:t-card:ok:5") is None
    assert CardOk.unpack("v1:t-card") is None
    assert CardOk.unpack("v1:t-card:no:5") is None
    assert Menu.unpack("v1:t-menu:c") is None
    assert Menu.unpack("v1:t-menu:a:2") is None  # a bool is 0 or 1


def test_patterns_match_the_kind_its_family_and_fixed_fields() -> None:
    assert _matches(Card.pattern(), "v1:t-card:ok:5")
    assert _matches(CardOk.pattern(), "v1:t-card:ok:5:2")
    assert not _matches(CardOk.pattern(), "v1:t-card:okx:5")
    assert _matches(VoteButton.pattern(vote=Vote.DOWN), "v1:t-vote:d:3")
    assert not _matches(VoteButton.pattern(vote=Vote.DOWN), "v1:t-vote:u:3")
    assert _matches(Menu.pattern(in_place=True), "v1:t-menu:a:1")
    assert not _matches(Menu.pattern(in_place=True), "v1:t-menu:a:0")
    with pytest.raises(TypeError):
        Menu.pattern(colour="red")


def test_a_prefix_is_declared_once() -> None:
    with pytest.raises(ValueError, match="declared twice"):

        class Again(callbacks.CallbackData, prefix="t-vote"):
            pass


def test_packing_refuses_what_telegram_or_decoding_would_not_take() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        Pair("a" * 30, "b" * 30).pack()
    with pytest.raises(ValueError, match="not allowed"):
        Menu("a", name="a:b").pack()
    with pytest.raises(ValueError, match="not an id"):
        VoteButton(Vote.UP, -1).pack()
    with pytest.raises(ValueError, match="not one of"):
        Menu("c").pack()  # type: ignore[arg-type]  # what mypy would refuse


class _OfThing(callbacks.CallbackData, prefix=None):
    thing_id: int


class ShowThing(_OfThing, prefix="t-show"):
    pass


class DropThing(_OfThing, prefix="t-drop"):
    pass


def test_kinds_can_share_fields_without_sharing_a_prefix() -> None:
    assert ShowThing(3).pack() == "v1:t-show:3"
    assert DropThing.unpack("v1:t-drop:3") == DropThing(3)
    assert DropThing.unpack("v1:t-show:3") is None
    assert _OfThing.unpack("v1:t-show:3") is None
