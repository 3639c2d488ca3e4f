"""Staff ``/export``: pick the data (项目 / 培训 / 问题 / 投诉), then xlsx or CSV; get a document.

Admins only (``handlers.staff_guard``, also for every button press). The file is built by
``bot.services.export`` and sent with ``sendDocument``.
"""

from __future__ import annotations

from telegram import InputFile, Update

from bot.buttons import ExportButton
from bot.context import Context
from bot.services.export import ExportFormat, ExportKind
from bot.texts import fmt
from handlers.ui import inline_rows, pressed


async def export_menu(update: Update, context: Context) -> None:
    """Offer the kinds of data that can be exported."""
    message = update.effective_message
    if message is None:
        return
    t = context.texts(update.effective_user)
    buttons = [(label, ExportButton(ExportKind(kind)).pack()) for kind, label in t.export.kinds]
    await message.reply_text(t.export.choose_what, reply_markup=inline_rows(buttons))


async def export_choice(update: Update, context: Context) -> None:
    """Ask for the file format, or build and send the file once both are chosen."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    button = await pressed(update, context, ExportButton)
    if button is None:
        return
    await query.answer()
    t = context.texts(update.effective_user)
    kind = button.kind
    what = dict(t.export.kinds)[kind]
    if button.format is None:
        buttons = [
            (t.export.btn_xlsx, ExportButton(kind, ExportFormat.XLSX).pack()),
            (t.export.btn_csv, ExportButton(kind, ExportFormat.CSV).pack()),
        ]
        await query.edit_message_text(
            fmt(t.export.choose_format, what=what), reply_markup=inline_rows(buttons)
        )
        return
    file = await context.services.exports.export(
        kind, button.format, t, actor_id=query.from_user.id
    )
    await context.bot.send_document(
        chat.id,
        InputFile(file.data, filename=file.filename),
        caption=fmt(t.export.caption, what=what, rows=file.rows),
    )
