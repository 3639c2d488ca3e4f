"""How fast the knowledge-base search is, and how long ``python -m bot ask`` takes cold.

``run()`` measures search latency (p50/p99 over the dev set's questions, timed one by one
with ``time.perf_counter_ns``) on the shipped knowledge base and on synthetic ones of 100 to
100,000 topics, plus the time to build each ``Searcher`` (which trains the classifier: the
shipped base and the 100-topic one; above ``knowledge.search.MAX_LEARNED_TOPICS`` the evidence
search runs alone). The shipped base is also measured with the evidence search alone (the
matcher before the classifier), for comparison. Synthetic topics recombine the
shipped topics' own words, so their n-gram statistics look like real ones. ``cold_start()``
times ``python -m bot ask 税收返还`` against ``python -c "import telegram.ext"`` in fresh
processes, side by side, with the classifier's weights in the cache (as after the bot or an
earlier ``ask`` ran), and once more with an empty cache (the first ``ask`` after the topics
changed trains the classifier). Targets (issue 3): p99 <= 2 ms shipped, <= 30 ms at 10,000
topics; cold ask <= 3x the telegram.ext import.

Run: ``.venv/bin/python -m benchmarks.bench_search [--quick]``.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from datetime import date
from pathlib import Path

from knowledge.evidence import EvidenceSearch
from knowledge.loader import load_knowledge_base
from knowledge.model import KnowledgeBase, Topic
from knowledge.search import Searcher

REPO = Path(__file__).resolve().parents[1]
DEVSET = REPO / "tests" / "data" / "devset.toml"
SIZES = (100, 1_000, 10_000, 100_000)


def questions() -> list[str]:
    """The dev set's questions, in scope and out of scope."""
    with DEVSET.open("rb") as fh:
        data = tomllib.load(fh)
    out = [q for qs in data["in_scope"].values() for q in qs]
    return out + list(data["out_of_scope"]["questions"])


def synthetic_kb(n: int, seed: int = 7) -> KnowledgeBase:
    """``n`` topics whose titles, keywords and examples recombine the shipped vocabulary."""
    rng = random.Random(seed)
    shipped = load_knowledge_base()
    searcher = Searcher(shipped)
    words = sorted(
        {
            chunk
            for t in shipped.topics
            for text in (*t.examples, *t.keywords, t.title)
            for chunk in searcher.analyzer.analyze(text).chunks
            if len(chunk) >= 2
        }
    )
    fillers = ["怎么", "有没有", "能不能", "在哪", "吗", "多少", "啥时候", "谁管"]
    cats = [c.id for c in shipped.categories]
    topics: list[Topic] = []
    for i in range(n):
        core = rng.sample(words, 3)
        examples = tuple(
            "".join([*rng.sample(core, 2), rng.choice(words), rng.choice(fillers)])
            for _ in range(8)
        )
        topics.append(
            Topic(
                id=f"syn-{i}",
                category=rng.choice(cats),
                title="".join(core[:2]),
                title_en=f"synthetic topic {i}",
                answer="".join(rng.sample(words, 12)),
                answer_en=f"synthetic answer {i}",
                examples=examples,
                synonyms=(core[2],),
                keywords=tuple(core),
                related=(),
                source=("synthetic",),
                reviewed=date(2026, 11, 27),
            )
        )
    return KnowledgeBase(topics=tuple(topics), categories=shipped.categories)


def _percentile(values: list[int], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index] / 1e6


def measure(
    kb: KnowledgeBase, name: str, queries: list[str], repeat: int, evidence_only: bool = False
) -> dict[str, object]:
    """Build a searcher for ``kb`` and time every query ``repeat`` times."""
    start = time.perf_counter_ns()
    searcher: Searcher | EvidenceSearch = EvidenceSearch(kb) if evidence_only else Searcher(kb)
    build_ms = (time.perf_counter_ns() - start) / 1e6
    for q in queries[:20]:  # warm caches (regex, rapidfuzz) before timing
        searcher.search(q)
    samples: list[int] = []
    cpu: list[int] = []  # this thread's CPU time: what a busy machine does not inflate
    for _ in range(repeat):
        for q in queries:
            t0, c0 = time.perf_counter_ns(), time.thread_time_ns()
            searcher.search(q)
            cpu.append(time.thread_time_ns() - c0)
            samples.append(time.perf_counter_ns() - t0)
    return {
        "kb": name,
        "topics": len(kb.topics),
        "build_ms": round(build_ms, 1),
        "queries": len(samples),
        "p50_ms": round(_percentile(samples, 50), 3),
        "p99_ms": round(_percentile(samples, 99), 3),
        "max_ms": round(max(samples) / 1e6, 3),
        "cpu_p50_ms": round(_percentile(cpu, 50), 3),
        "cpu_p99_ms": round(_percentile(cpu, 99), 3),
    }


def run(quick: bool = False) -> list[dict[str, object]]:
    """Latency rows: shipped KB, then synthetic KBs (100,000 skipped when ``quick``)."""
    qs = questions()
    shipped = load_knowledge_base()
    rows = [measure(shipped, "shipped", qs, repeat=2 if quick else 10)]
    rows.append(measure(shipped, "evidence", qs, repeat=2 if quick else 10, evidence_only=True))
    for n in SIZES:
        if quick and n > 10_000:
            continue
        # The largest base is built once and measured with fewer queries.
        kb = synthetic_kb(n)
        # Dev questions mostly miss random synthetic topics, so add the topics' own example
        # questions too: those reach the fuzzy stage, the expensive path.
        own = [e for t in random.Random(n).sample(kb.topics, 100) for e in t.examples[:2]]
        sample = qs + own if n <= 10_000 else (qs + own)[::3]
        rows.append(measure(kb, "synthetic", sample, repeat=1 if n > 1000 else 3))
    return rows


def _wall(cmd: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            cmd, cwd=REPO, check=True, capture_output=True, timeout=120, env=env or None
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold_start(runs: int = 7) -> dict[str, float]:
    """Median wall time of a cold ``ask`` and of importing telegram.ext, interleaved."""
    ask = [sys.executable, "-m", "bot", "ask", "税收返还"]
    ptb = [sys.executable, "-c", "import telegram.ext"]
    _wall(ask, 1)  # compile .pyc files once so neither side pays for it
    _wall(ptb, 1)
    ask_runs: list[float] = []
    ptb_runs: list[float] = []
    for _ in range(runs):  # interleave so machine noise hits both sides alike
        ask_runs.append(_wall(ask, 1))
        ptb_runs.append(_wall(ptb, 1))
    ask_s = statistics.median(ask_runs)
    ptb_s = statistics.median(ptb_runs)
    with tempfile.TemporaryDirectory() as empty:
        env = {**os.environ, "CHUANGYE_CACHE_DIR": empty}
        train_s = _wall(ask, 1, env)
    return {
        "ask_s": round(ask_s, 3),
        "import_telegram_ext_s": round(ptb_s, 3),
        "ratio": round(ask_s / ptb_s, 2),
        "ask_training_s": round(train_s, 3),
    }


def main() -> None:
    """Print the latency table and the cold-start comparison."""
    quick = "--quick" in sys.argv
    print(
        f"{'kb':<10} {'topics':>8} {'build ms':>10} {'queries':>8} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'CPU p50':>8} {'CPU p99':>8}"
    )
    for row in run(quick=quick):
        print(
            f"{row['kb']:<10} {row['topics']:>8} {row['build_ms']:>10} {row['queries']:>8} "
            f"{row['p50_ms']:>8} {row['p99_ms']:>8} {row['max_ms']:>8} "
            f"{row['cpu_p50_ms']:>8} {row['cpu_p99_ms']:>8}"
        )
    cold = cold_start(runs=3 if quick else 7)
    print(
        f"\ncold `python -m bot ask 税收返还`: {cold['ask_s']} s (median); "
        f"`python -c 'import telegram.ext'`: {cold['import_telegram_ext_s']} s; "
        f"ratio {cold['ratio']}x (target <= 3x); "
        f"with an empty model cache (trains): {cold['ask_training_s']} s"
    )


if __name__ == "__main__":
    main()
