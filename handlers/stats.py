"""Staff ``/stats``: the campaign's numbers over an optional period, as phone-sized tables.

``/stats``, ``/stats 本月``, ``/stats 11月``, ``/stats 2026-11-01 2026-11-30``. Admins only
(``handlers.staff_guard``); the numbers come from ``bot.services.stats``, and a bar chart of
projects by village and by month (``bot.charts``) follows when there are projects.
"""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.charts import project_chart
from bot.context import Context
from bot.services.stats import PeriodError, ReversedPeriodError, render_report
from bot.texts import fmt
from handlers.ui import echo, message_of


async def stats(update: Update, context: Context) -> None:
    """Show the statistics for the period typed after the command (default: all time)."""
    if (said := message_of(update, context)) is None:
        return
    message, t, args = said.message, said.t, context.args or []
    try:
        period = context.services.stats.period(args)
    except ReversedPeriodError as exc:
        await message.reply_text(fmt(t.stats.reversed_period, first=exc.first, last=exc.last))
        return
    except PeriodError:
        await message.reply_text(fmt(t.stats.bad_period, text=echo(" ".join(args))))
        return
    report = await context.services.stats.report(period)
    town = context.services.settings.town
    await message.reply_text(render_report(t, report, town))
    # Drawing takes a fraction of a second of CPU: keep the bot answering meanwhile.
    png = await asyncio.to_thread(project_chart, report, t, town)
    if png is not None:
        name = context.services.stats.chart_filename()
        await message.reply_photo(png, caption=t.stats.chart_caption, filename=name)
