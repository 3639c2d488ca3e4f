"""Turn topics and search results into plain text: answers with the office's contact filled in.

Pure string work shared by the CLI and the bot's handlers. Answers may carry the placeholders
in ``PLACEHOLDERS``; the values come from settings (the caller passes them as a mapping, so
this package never imports ``bot``). An empty value renders as an explicit "not configured"
note rather than a blank, so residents are never shown a half-sentence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from knowledge.model import Topic

PLACEHOLDERS: tuple[str, ...] = (
    "office_name",
    "office_phone",
    "office_address",
    "office_hours",
    "town_name",
)
PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

NOT_CONFIGURED = {
    "zh": "尚未设置",
    "en": "not configured",
}

# Fallback wording for the CLI and for handlers that do not override it. Kept here, next to
# the answers they frame, so the JSON interface of ``python -m bot ask`` is self-contained.
TEXTS: Mapping[str, Mapping[str, str]] = {
    "zh": {
        "ambiguous": "您是想问：\n{options}\n请换个说法再问一次，或用 /policies 按类别查看。",
        "abstain": (
            "抱歉，这个问题我还回答不了，不想给您说错。"
            "您可以用 /policies 按类别查看政策，或联系{office_name}（电话：{office_phone}；"
            "地址：{office_address}；办公时间：{office_hours}）。"
        ),
        "menu": "您想了解哪方面？请说得具体一点，或用 /policies 按类别查看{topics}。",
        "out_of_scope": (
            "这个问题不在本镇全民创业材料的范围内，我回答不了，换个说法也一样。{help}"
            "创业政策方面的问题（税收返还、贷款、培训、登记项目等）欢迎随时问我，"
            "或联系{office_name}（电话：{office_phone}）。"
        ),
        "greeting": "您好！我是创业助手，可以解答{town_name}全民创业的政策问题，"
        "比如“新项目的税收能返还吗”。也可以用 /policies 按类别查看。",
        "thanks": "不客气！还有其他问题随时问我。",
        "source": "依据：镇《经济强镇建设经验交流》材料原文：{source}\n最后审核：{reviewed}",
    },
    "en": {
        "ambiguous": "Did you mean:\n{options}\nPlease rephrase, or browse with /policies.",
        "abstain": (
            "Sorry, I cannot answer that yet and would rather not guess. Browse the policies "
            "with /policies, or contact {office_name} (phone: {office_phone}; address: "
            "{office_address}; hours: {office_hours})."
        ),
        "menu": "What would you like to know? Please be more specific, or browse with "
        "/policies{topics}.",
        "out_of_scope": (
            "This is outside what the town's campaign report covers, so I cannot answer it, "
            "however it is worded. {help} Ask me anything about the campaign's policies "
            "(tax rebate, loans, training, registering a project), or contact {office_name} "
            "(phone: {office_phone})."
        ),
        "greeting": "Hello! I am the entrepreneurship assistant and answer questions about "
        "{town_name}'s campaign, e.g. 'is the tax of a new project refunded?'. "
        "You can also browse with /policies.",
        "thanks": "You're welcome! Ask me anything else at any time.",
        "source": "Source: the town's report, verbatim: {source}\nLast reviewed: {reviewed}",
    },
}


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "zh"


def fill(template: str, lang: str, values: Mapping[str, str], missing: str | None = None) -> str:
    """Replace ``{name}`` placeholders; an unset contact value becomes ``missing`` (by default
    the not-configured note)."""

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name, "").strip()
        if not value and name in PLACEHOLDERS:
            return NOT_CONFIGURED[_lang(lang)] if missing is None else missing
        return value

    return PLACEHOLDER_RE.sub(sub, template)


def render_answer(
    topic: Topic, lang: str, contact: Mapping[str, str], missing: str | None = None
) -> str:
    """The topic's answer in ``lang`` ("zh" or "en") with placeholders filled from ``contact``;
    an unset value reads ``missing`` (the bot passes its own wording) or the default note."""
    text = topic.answer_en if _lang(lang) == "en" and topic.answer_en else topic.answer
    return fill(text.strip(), lang, contact, missing)


def render_source(topic: Topic, lang: str) -> str:
    """Where the answer comes from (the report's sentences) and when staff last reviewed it."""
    return TEXTS[_lang(lang)]["source"].format(
        source=" ".join(topic.source), reviewed=topic.reviewed.isoformat()
    )


def render_text(key: str, lang: str, contact: Mapping[str, str], **extra: str) -> str:
    """One of the fallback ``TEXTS`` (abstain, greeting ...) with contact values and ``extra``."""
    values = {**contact, **extra}
    return fill(TEXTS[_lang(lang)][key], lang, values)


def render_choices(topics: Sequence[Topic], lang: str, contact: Mapping[str, str]) -> str:
    """The "您是想问：…" text listing ``topics`` by title."""
    options = "\n".join(f"{n}. {t.title_for(_lang(lang))}" for n, t in enumerate(topics, 1))
    return render_text("ambiguous", lang, contact, options=options)
