"""Words people type to steer a dialog instead of answering it (返回, 取消, 修改, 提交 ...).

A resident on a phone types "返回" or "取消" rather than /back or /cancel, and "修改" or
"提交" rather than pressing the summary's button; such a word is an instruction, never an
answer to store (tester3 #3). The form engine asks ``control_word`` about every typed answer
and ``same_label`` whether a typed text is the label of one of the buttons it shows. Words of
both languages are read whatever the user's language: a Chinese user may type "cancel".
Pure: no ``telegram``, no I/O.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class Control(StrEnum):
    """What a typed control word asks the dialog to do."""

    BACK = "back"
    CANCEL = "cancel"
    SUBMIT = "submit"
    EDIT = "edit"


_WORDS: dict[Control, tuple[str, ...]] = {
    Control.BACK: (
        "返回",
        "返回上一步",
        "回到上一步",
        "上一步",
        "上一个",
        "上一题",
        "后退",
        "回退",
        "退后",
        "往回",
        "back",
        "goback",
        "previous",
        "prev",
    ),
    Control.CANCEL: (
        "取消",
        "退出",
        "放弃",
        "算了",
        "不要了",
        "不填了",
        "不登了",
        "不登记了",
        "不办了",
        "不弄了",
        "不投诉了",
        "不发了",
        "取消登记",
        "取消投诉",
        "取消留言",
        "取消填写",
        "退出登记",
        "cancel",
        "quit",
        "exit",
        "stop",
        "abort",
    ),
    Control.SUBMIT: ("提交", "确认提交", "提交吧", "submit"),
    Control.EDIT: ("修改", "更改", "改一下", "我要修改", "edit", "change"),
}
_CONTROLS = {word: control for control, words in _WORDS.items() for word in words}

# Replies that answer no question: typed where a name is asked, they name nothing.
_NON_ANSWERS = frozenset(
    (
        "好",
        "好的",
        "好吧",
        "行",
        "可以",
        "是",
        "是的",
        "对",
        "对的",
        "嗯",
        "嗯嗯",
        "哦",
        "知道了",
        "收到",
        "不知道",
        "不清楚",
        "不晓得",
        "没有",
        "无",
        "随便",
        "ok",
        "okay",
        "yes",
        "no",
        "idontknow",
        "dontknow",
    )
)


def word_key(text: str) -> str:
    """``text`` reduced to its letters and digits, case-folded: "✅ 提交！" -> "提交",
    "Go back." -> "goback" (emoji, punctuation and spaces say nothing about the word)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def control_word(text: str) -> Control | None:
    """The control ``text`` is, when the whole message is one of the control words."""
    return _CONTROLS.get(word_key(text))


# Yes and no, typed where a button asks (记 X 为引荐人吗？ "好的" / "没有").
YES_WORDS = frozenset(("是", "是的", "对", "对的", "好", "好的", "可以", "行", "嗯", "ok", "yes"))
NONE_WORDS = frozenset(
    {"无", "没有", "没", "没人", "没有人", "不是", "否", "不知道", "不清楚", "不记得", "none"}
    | {"no", "nobody", "na", "nil"}
)


def yes_or_none(text: str) -> bool | None:
    """True for a typed yes, False for a typed "none" (无, 没有, no), None for anything else."""
    key = word_key(text)
    return True if key in YES_WORDS else False if key in NONE_WORDS else None


def non_answer(text: str) -> bool:
    """Whether ``text`` is a reply such as "好的" or "不知道", which names nothing."""
    return word_key(text) in _NON_ANSWERS


def same_label(text: str, label: str) -> bool:
    """Whether typed ``text`` is button ``label`` (without its emoji and punctuation)."""
    key = word_key(label)
    return bool(key) and word_key(text) == key
