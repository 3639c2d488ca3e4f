"""The health endpoint and ``python -m bot health``: what a monitor sees, and exit codes."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import httpx

from bot import __version__
from bot.processing import UserOrderedProcessor
from bot.shell.harness import BotHarness
from bot.shell.health import HealthServer, Report, health_report
from tests import children

REPO = Path(__file__).resolve().parents[1]


def _server(harness: BotHarness) -> HealthServer:
    processor = harness.running.app.update_processor
    assert isinstance(processor, UserOrderedProcessor)

    async def report() -> Report:
        return await health_report(harness.running.services, processor, started=0.0, mode="test")

    return HealthServer(report, 0)


async def health_cli(*args: str, cwd: Path) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHUANGYE_")}
    env["PYTHONPATH"] = str(REPO)
    proc = await children.spawn(
        sys.executable, "-m", "bot", "health", *args, cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 180)  # a safety net only
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_healthy_bot_reports_db_kb_and_last_update(
    harness: BotHarness, tmp_path: Path
) -> None:
    server = _server(harness)
    await server.start()
    try:
        url = f"http://127.0.0.1:{server.port}/healthz"
        async with httpx.AsyncClient() as client:
            idle = await client.get(url)
            assert idle.status_code == 200
            body = idle.json()
            assert body["status"] == "ok"
            assert body["version"] == __version__
            assert body["database"] == {"ok": True}
            assert body["knowledge_base"]["loaded"] is True
            assert body["knowledge_base"]["topics"] >= 10
            assert body["updates"] == {  # idle is healthy
                "handled": 0,
                "last_handled_at": None,
                "abandoned_recently": 0,
                "last_abandoned_at": None,
            }
            assert body["warnings"] == []
            await harness.user(1).send("/start")
            busy = (await client.get(url)).json()
            assert busy["updates"]["handled"] == 1
            assert busy["updates"]["last_handled_at"].endswith("+00:00")
            assert (await client.get(f"http://127.0.0.1:{server.port}/admin")).status_code == 404
            assert (await client.post(url)).status_code == 400
        code, out, _ = await health_cli("--url", url, cwd=tmp_path)
        assert code == 0
        assert '"status": "ok"' in out
        await harness.running.services.db.close()  # the database is gone
        async with httpx.AsyncClient() as client:
            down = await client.get(url)
        assert down.status_code == 503
        assert down.json()["database"] == {"ok": False}
        code, out, _ = await health_cli("--url", url, cwd=tmp_path)
        assert code == 1
        assert '"status": "unhealthy"' in out
    finally:
        await server.stop()


async def test_health_command_without_a_server_fails(tmp_path: Path) -> None:
    with_nothing = await health_cli("--url", "http://127.0.0.1:9/healthz", cwd=tmp_path)
    assert with_nothing[0] == 1
    assert "cannot reach" in with_nothing[2]
    disabled = await health_cli(cwd=tmp_path)
    assert disabled[0] == 2
    assert "health_port" in disabled[2]
