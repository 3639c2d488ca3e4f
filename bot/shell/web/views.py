"""What the page receives: messages, keyboards and commands as small JSON objects. Pure.

A bot message's HTML becomes a tree of allowed kinds (``html_nodes``); the page draws it with
``createElement``/``textContent`` only. A resident's own text is sent as a plain string.
Inline buttons keep their callback data (the page sends it back, and the gateway accepts it only
if that button is on that message) and only http(s) links.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from bot.shell.emulator.html import EntityParseError, html_nodes
from db.web import WebMessage

JSON = dict[str, Any]

MAX_TEXT = 4096
_URL_RE = re.compile(r"^https?://", re.IGNORECASE)
_PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_PHONE_NOISE = re.compile(r"[\s\-()（）]")


def message_view(row: WebMessage) -> JSON:
    """One message as the page draws it."""
    out: JSON = {"id": row.message_id, "seq": row.seq, "bot": row.from_bot}
    if row.deleted:
        out["deleted"] = True
        return out
    data: JSON = json.loads(row.data)
    out["date"] = int(data.get("date", 0))
    if row.edits:
        out["edited"] = True
    text = str(data.get("text") or data.get("caption") or "")
    if row.from_bot and row.html:
        try:
            out["body"] = html_nodes(row.html)
        except EntityParseError:  # stored HTML was checked when sent; never trust it blindly
            out["body"] = [text]
    elif text:
        out["body"] = [text]
    contact = data.get("contact")
    if isinstance(contact, dict):
        out["contact"] = str(contact.get("phone_number", ""))
    buttons = _buttons(data.get("reply_markup"))
    if buttons:
        out["buttons"] = buttons
    document = data.get("document")
    if isinstance(document, dict):
        out["document"] = {
            "file": str(document.get("file_id", "")),
            "name": str(document.get("file_name") or "file"),
            "size": int(document.get("file_size") or 0),
        }
    photo = data.get("photo")
    if isinstance(photo, list) and photo and isinstance(photo[-1], dict):
        out["photo"] = {"file": str(photo[-1].get("file_id", ""))}
    return out


def _buttons(markup: Any) -> list[list[JSON]]:
    if not isinstance(markup, dict):
        return []
    rows: list[list[JSON]] = []
    for row in markup.get("inline_keyboard") or []:
        out: list[JSON] = []
        for button in row:
            if not isinstance(button, dict):
                continue
            label = str(button.get("text", ""))
            if "callback_data" in button:
                out.append({"text": label, "data": str(button["callback_data"])})
            elif _URL_RE.match(str(button.get("url", ""))):
                out.append({"text": label, "url": str(button["url"])})
            else:
                out.append({"text": label})
        if out:
            rows.append(out)
    return rows


def keyboard_view(markup: JSON | None) -> JSON | None:
    """The reply keyboard under the input box, or None."""
    if not markup or "keyboard" not in markup:
        return None
    rows = [
        [
            {
                "text": str(b.get("text", "")) if isinstance(b, dict) else str(b),
                "contact": bool(isinstance(b, dict) and b.get("request_contact")),
            }
            for b in row
        ]
        for row in markup["keyboard"]
    ]
    view: JSON = {"rows": rows, "one_time": bool(markup.get("one_time_keyboard"))}
    if markup.get("input_field_placeholder"):
        view["placeholder"] = str(markup["input_field_placeholder"])
    return view


def clean_text(text: str) -> str | None:
    """A typed message as the bot gets it; None if empty or longer than Telegram allows."""
    text = text.replace("\r\n", "\n").replace("\x00", "")
    if not text.strip() or len(text.encode("utf-16-le")) // 2 > MAX_TEXT:
        return None
    return text


def normalize_phone(raw: str) -> str | None:
    """A mainland mobile number as ``+86`` and 11 digits, or None if it is not one."""
    digits = "".join(
        str(unicodedata.digit(c)) if c.isdigit() else c for c in _PHONE_NOISE.sub("", raw)
    )
    if digits.startswith("+"):  # an international number must be China's (+86)
        if not digits.startswith("+86"):
            return None
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not _PHONE_RE.match(digits):
        return None
    return "+86" + digits
