"""``python -m benchmarks``: run every benchmark, print one table, write the numbers as JSON.

Each benchmark module exposes ``run(quick) -> rows``; this collects them, derives the figures
the issues set targets for (search p99, Q&A and registration throughput against the echo bot
measured in the same run, reminder rebuild, cold start, start-up, peak RSS), prints a summary
with what each figure measured and on how many samples, the machine, and the detail tables,
and writes everything to ``--json`` (default ``benchmarks/results/latest.json``, not committed:
the README carries the table of the last recorded run).

Run: ``.venv/bin/python -m benchmarks [--quick] [--only search,bot,registration,trainings]``;
the county's bulk work (issue 16) with ``--only county [--scale 0.1]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")

from benchmarks.common import REPO, describe, figure, machine, spread_text, table

Row = dict[str, Any]
DEFAULT_JSON = REPO / "benchmarks" / "results" / "latest.json"
MODULES = ("search", "bot", "registration", "trainings")


def _search(quick: bool) -> dict[str, Any]:
    from benchmarks import bench_search

    runs = 3 if quick else 7
    return {
        "latency": bench_search.run(quick),
        "cold_start": bench_search.cold_start(runs=runs) | {"runs": runs},
    }


def _bot(quick: bool) -> dict[str, Any]:
    from benchmarks import bench_bot

    return {"rows": bench_bot.run(quick)}


def _registration(quick: bool) -> dict[str, Any]:
    from benchmarks import bench_registration

    return {"rows": bench_registration.run(quick)}


def _trainings(quick: bool) -> dict[str, Any]:
    from benchmarks import bench_trainings

    return {"rows": bench_trainings.run(quick)}


# --scale, for the county benchmark only (it is not in the default MODULES: a first run builds
# a 200 MB database for a few minutes).
_OPTIONS: dict[str, float | None] = {"scale": None}


def _county(quick: bool) -> dict[str, Any]:
    from benchmarks import bench_county

    return {"rows": bench_county.run(quick, _OPTIONS["scale"])}


RUNNERS: dict[str, Callable[[bool], dict[str, Any]]] = {
    "search": _search,
    "bot": _bot,
    "registration": _registration,
    "trainings": _trainings,
    "county": _county,
}


def _verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("yes" if ok else "NO")


def _search_figures(result: dict[str, Any]) -> list[Row]:
    out: list[Row] = []
    for row in result["latency"]:
        p99 = float(row["p99_ms"])
        if row["kb"] in ("shipped", "evidence"):
            alone = " (evidence search alone)" if row["kb"] == "evidence" else ""
            out.append(
                figure(
                    f"search p99, shipped KB ({row['topics']} topics){alone}",
                    f"{p99:.3f} ms",
                    "<= 2 ms" if not alone else "",
                    p99 <= 2 if not alone else None,
                    f"{row['queries']} searches of dev-set questions, one at a time; "
                    f"p50 {row['p50_ms']} ms; CPU p50 {row['cpu_p50_ms']} ms, "
                    f"p99 {row['cpu_p99_ms']} ms; build {row['build_ms']} ms",
                )
            )
        else:
            big = int(row["topics"]) == 10_000
            out.append(
                figure(
                    f"search p99, synthetic KB {int(row['topics']):,} topics",
                    f"{p99:.3f} ms",
                    "<= 30 ms" if big else "",
                    p99 <= 30 if big else None,
                    f"{row['queries']} searches; index build {row['build_ms']} ms",
                )
            )
    cold = result["cold_start"]
    out.append(
        figure(
            "cold `python -m bot ask 税收返还` / `import telegram.ext`",
            f"{cold['ask_s']} s / {cold['import_telegram_ext_s']} s = {cold['ratio']}x",
            "<= 3x",
            float(cold["ratio"]) <= 3,
            f"median of {cold['runs']} fresh processes each, interleaved; with an empty "
            f"model cache (the first ask after a topic change trains): {cold['ask_training_s']} s",
        )
    )
    return out


def _qa_figures(result: dict[str, Any]) -> list[Row]:
    """Q&A throughput against the echo bots, in process and over HTTP."""
    rows = result["rows"]
    echo, answer, unread, qa = rows[0], rows[1], rows[2], rows[3]
    http_echo, http_qa = (
        next(r for r in rows if str(r["case"]).startswith(f"{kind} over HTTP"))
        for kind in ("echo bot", "Q&A")
    )
    return [
        figure(
            "Q&A vs echo bot sending the same answer, in process: CPU per update",
            f"{spread_text(qa['cpu_ms_per_update'])} vs "
            f"{spread_text(answer['cpu_ms_per_update'])} ms = "
            f"{spread_text(qa['cpu_ratio_to_answer_echo'])}",
            ">= 0.75",
            bool(qa["met"]),
            f"{qa['users']} users x {qa['updates'] // qa['users']} questions at once; "
            f"median (min-max) of {qa['runs']} interleaved runs; ratio = answer echo's CPU / "
            f"Q&A's, run by run; {qa['per_s']['median']:.0f} vs "
            f"{answer['per_s']['median']:.0f} updates/s; bare echo bot "
            f"{spread_text(echo['cpu_ms_per_update'])} ms (Q&A "
            f"{spread_text(qa['cpu_ratio_to_echo'])} of it); Q&A p99 {qa['p99_ms']} ms",
        ),
        figure(
            "Q&A vs that echo bot also not parsing its sent message: CPU per update",
            f"{spread_text(qa['cpu_ms_per_update'])} vs "
            f"{spread_text(unread['cpu_ms_per_update'])} ms = "
            f"{spread_text(qa['cpu_ratio_to_unread_answer_echo'])}",
            "",
            None,
            "same runs; Q&A sends its answers with bot.sending.reply_unread, which skips PTB's "
            "parse of the sent message; this baseline does too, so the ratio is the cost of the "
            "bot's features alone",
        ),
        figure(
            "Q&A vs bare echo bot over HTTP, each in its own process: bot CPU per update",
            f"{spread_text(http_qa['bot_cpu_ms_per_update'])} vs "
            f"{spread_text(http_echo['bot_cpu_ms_per_update'])} ms = "
            f"{spread_text(http_qa['cpu_ratio_to_echo'])}",
            ">= 0.8",
            bool(http_qa["met"]),
            f"each bot polls the emulator over loopback HTTP with PTB's HTTP client; median "
            f"(min-max) of {http_qa['runs']} interleaved runs; ratio = echo's CPU / Q&A's, run "
            f"by run; {http_qa['per_s']['median']:.0f} vs {http_echo['per_s']['median']:.0f} "
            f"updates/s",
        ),
    ]


def _process_figures(result: dict[str, Any]) -> list[Row]:
    """The bot process: start-up time and peak memory."""
    rows = result["rows"]
    startup = next(r for r in rows if str(r["case"]).startswith("bot start-up"))
    rss = next(r for r in rows if str(r["case"]).startswith("peak RSS"))
    return [
        figure(
            "bot start-up to ready / `import telegram.ext`",
            f"{startup['seconds']} s / {startup['import_telegram_ext_s']} s = {startup['ratio']}x",
            "<= 3x",
            float(startup["ratio"]) <= 3,
            f"`python -m bot run` until it logs 'is running' (HTTP emulator); "
            f"median of {startup['runs']}, interleaved",
        ),
        figure(
            "peak RSS, bot with 10,000 known users",
            f"{rss['peak_rss_mb']} MB",
            "< 150 MB",
            float(rss["peak_rss_mb"]) < 150,
            f"fresh process, {int(rss['users_known']):,} users each asked once through the "
            f"Application; includes the in-process emulator; {rss['rss_ready_mb']} MB at ready",
        ),
    ]


def _registration_figures(result: dict[str, Any]) -> list[Row]:
    rows = {r["case"]: r for r in result["rows"]}
    echo = rows["echo bot (baseline)"]
    steps = rows["registration, every step"]
    e2e = rows["registration, end to end"]
    ratio = steps["per_s"] / echo["per_s"]
    return [
        figure(
            "registration updates/s vs bare echo bot",
            f"{steps['per_s']:.0f} vs {echo['per_s']:.0f} = {ratio:.2f}",
            "",
            None,
            f"{steps['users']} users registering at once, {steps['updates']} dialog steps; "
            f"{e2e['per_s']:.1f} registrations/s; step p99 {steps['p99_ms']:.0f} ms",
        )
    ]


def _trainings_figures(result: dict[str, Any]) -> list[Row]:
    rows = {r["case"]: r for r in result["rows"]}
    rebuild = rows["reconcile + arm"]
    out = [
        figure(
            "reminder rebuild at start-up",
            f"{rebuild['seconds'] * 1000:.0f} ms",
            "",
            None,
            f"{rebuild['n']:,} pending reminders reconciled and the timer armed",
        )
    ]
    start = rows.get("bot start-up, backlog")
    if start is not None:
        out.append(
            figure(
                "bot start-up with that backlog",
                f"{start['seconds'] * 1000:.0f} ms",
                "",
                None,
                "open, migrate, reconcile, arm (in process)",
            )
        )
    return out


def _county_figures(result: dict[str, Any]) -> list[Row]:
    from benchmarks import bench_county

    return bench_county.summary(result["rows"])


# Each module's headline figures, in the summary's order.
FIGURES: tuple[tuple[str, Callable[[dict[str, Any]], list[Row]]], ...] = (
    ("search", _search_figures),
    ("bot", _qa_figures),
    ("bot", _process_figures),
    ("registration", _registration_figures),
    ("trainings", _trainings_figures),
    ("county", _county_figures),
)


def summarize(results: dict[str, Any]) -> list[Row]:
    """The headline figures, each with its target and what it measured."""
    return [row for name, figures in FIGURES if name in results for row in figures(results[name])]


def _details(results: dict[str, Any]) -> str:
    parts: list[str] = []
    if "search" in results:
        rows = results["search"]["latency"]
        keys = ["kb", "topics", "build_ms", "queries", "p50_ms", "p99_ms", "max_ms"]
        parts.append("search latency\n" + table(keys, [[r[k] for k in keys] for r in rows]))
    for name in ("bot", "registration", "trainings", "county"):
        if name not in results:
            continue
        rows = results[name]["rows"]
        keys = list(dict.fromkeys(k for r in rows for k in r))
        body = [[r.get(k, "") for k in keys] for r in rows]
        parts.append(f"{name}\n" + table(keys, body))
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer runs")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write JSON")
    parser.add_argument(
        "--only",
        default=",".join(MODULES),
        help=f"comma-separated subset of {MODULES} and county",
    )
    parser.add_argument(
        "--scale", type=float, default=None, help="county size (1.0: the issue's county)"
    )
    args = parser.parse_args(argv)
    _OPTIONS["scale"] = args.scale
    wanted = [m.strip() for m in args.only.split(",") if m.strip()]
    unknown = [m for m in wanted if m not in RUNNERS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    info = machine()
    started = datetime.now(UTC)
    print(f"machine: {describe(info)}", flush=True)
    results: dict[str, Any] = {}
    timings: dict[str, float] = {}
    for name in wanted:
        print(f"running {name} ...", flush=True)
        t0 = time.perf_counter()
        results[name] = RUNNERS[name](args.quick)
        timings[name] = round(time.perf_counter() - t0, 1)
    summary = summarize(results)
    command = "python -m benchmarks" + (" --quick" if args.quick else "")
    print(f"\n{command}   {started:%Y-%m-%d %H:%M} UTC")
    print(f"machine: {describe(info)}\n")
    print(
        table(
            ["figure", "value", "target", "met", "measured"],
            [
                [r["figure"], r["value"], r["target"], _verdict(r["met"]), r["measured"]]
                for r in summary
            ],
        )
    )
    print("\n" + _details(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "command": command,
        "started_at": started.isoformat(timespec="seconds"),
        "machine": info,
        "seconds_per_module": timings,
        "summary": summary,
        "results": results,
    }
    args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nwrote {args.json}")
    return 1 if any(r["met"] is False for r in summary) else 0


if __name__ == "__main__":
    sys.exit(main())
