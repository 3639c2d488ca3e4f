"""bot.callbacks: the pattern of a feature's buttons and decoding an id from forged data."""

from __future__ import annotations

import re

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
