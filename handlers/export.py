"""Staff ``/export``: pick the data (项目 / 培训 / 问题 / 投诉), then xlsx or CSV; get a document.

Admins only (``handlers.staff_guard``, also for every button press). The file is built by
``bot.services.export`` while the format message shows "正在生成…" and how far it has got;
then each file (several when the export is over Telegram's 50 MB, each saying which part it
is) is sent with ``sendDocument`` and the message says how many rows were exported.
"""

from __future__ import annotations

from contextlib import suppress

from telegram import InputFile, Update
from telegram.error import TelegramError

from bot.buttons import ExportButton
from bot.context import Context
from bot.services.export import ExportFormat, ExportKind, captions
from bot.texts import fmt
from handlers.ui import Press, inline_rows, message_of


async def export_menu(update: Update, context: Context) -> None:
    """Offer the kinds of data that can be exported."""
    if (said := message_of(update, context)) is None:
        return
    kinds = said.t.export.kinds
    buttons = [(label, ExportButton(ExportKind(kind)).pack()) for kind, label in kinds]
    await said.message.reply_text(said.t.export.choose_what, reply_markup=inline_rows(buttons))


async def export_choice(update: Update, context: Context, press: Press[ExportButton]) -> None:
    """Ask for the file format, or build and send the file once both are chosen."""
    chat = update.effective_chat
    if chat is None:
        return
    query, t, button = press.query, press.t, press.button
    await query.answer()
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
    await query.edit_message_text(fmt(t.export.working, what=what))

    async def progress(done: int, total: int) -> None:
        """Show how far the export has got (a failed edit must not stop the export)."""
        text = fmt(
            t.export.progress,
            what=what,
            percent=100 * done // total,
            done=f"{done:,}",
            total=f"{total:,}",
        )
        with suppress(TelegramError):
            await query.edit_message_text(text)

    export = await context.services.exports.export(
        kind, button.format, t, actor_id=query.from_user.id, progress=progress
    )
    try:
        for file, caption in zip(export.files, captions(t, what, export), strict=True):
            with file.path.open("rb") as data:
                await context.bot.send_document(
                    chat.id, InputFile(data, filename=file.filename), caption=caption
                )
    finally:
        export.cleanup()
    with suppress(TelegramError):
        await query.edit_message_text(fmt(t.export.done, what=what, rows=f"{export.rows:,}"))
