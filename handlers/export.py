"""Staff ``/export``: pick the data (项目 / 培训 / 问题 / 投诉), then xlsx or CSV; get a document.

Admins only (``handlers.staff_guard``, also for every button press). The file is built by
``bot.services.export`` and sent with ``sendDocument``.
"""

from __future__ import annotations

from telegram import InputFile, Update

from bot import callbacks
from bot.context import Context
from bot.services.export import ExportFormat, ExportKind
from bot.texts import fmt
from handlers.ui import inline_rows, stale_button

FEATURE = "exp"


async def export_menu(update: Update, context: Context) -> None:
    """Offer the kinds of data that can be exported."""
    message = update.effective_message
    if message is None:
        return
    t = context.texts(update.effective_user)
    buttons = [(label, callbacks.encode(FEATURE, kind)) for kind, label in t.export.kinds]
    await message.reply_text(t.export.choose_what, reply_markup=inline_rows(buttons))


async def export_choice(update: Update, context: Context) -> None:
    """Ask for the file format, or build and send the file once both are chosen."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    args = callbacks.decode(query.data, FEATURE) or []
    kind = args[0] if args and args[0] in set(ExportKind) else None
    if kind is None or len(args) > 2 or (len(args) == 2 and args[1] not in set(ExportFormat)):
        await stale_button(update, context)
        return
    await query.answer()
    t = context.texts(update.effective_user)
    what = dict(t.export.kinds)[kind]
    if len(args) == 1:
        buttons = [
            (t.export.btn_xlsx, callbacks.encode(FEATURE, kind, ExportFormat.XLSX)),
            (t.export.btn_csv, callbacks.encode(FEATURE, kind, ExportFormat.CSV)),
        ]
        await query.edit_message_text(
            fmt(t.export.choose_format, what=what), reply_markup=inline_rows(buttons)
        )
        return
    file = await context.services.exports.export(
        ExportKind(kind), ExportFormat(args[1]), t, actor_id=query.from_user.id
    )
    await context.bot.send_document(
        chat.id,
        InputFile(file.data, filename=file.filename),
        caption=fmt(t.export.caption, what=what, rows=file.rows),
    )
