"""The web channel in a real browser: headless Chromium (Debian's chromium + chromium-driver).

A resident opens the page, asks 返税怎么申请, sees the answer with its source, presses a related
topic, registers a project through the buttons and typed steps, reloads and still sees it all,
and downloads the .ics of a training. Screenshots at phone (390x844) and desktop width go to
``test-output/web/`` (or ``$WEB_SCREENSHOTS``). Every wait is for a condition in the page, with a
generous timeout; nothing waits for a time.

The registration is driven by what the bot asks (buttons offered, the phone box, keywords of the
typed steps), not by a fixed script, so a reworded or reordered dialog still passes.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import Clock, FakeClock, system_clock
from bot.settings import Settings
from bot.texts import get_texts
from tests.conftest import ADMIN_ID
from tests.seed import training
from tests.web_client import ANSWERS, REF_NO, WebBot, web_bot

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"
WAIT_S = 90.0
ZH = get_texts("zh")
R = ZH.registration
SHOTS = Path(
    os.environ.get("WEB_SCREENSHOTS")
    or Path(__file__).resolve().parents[1] / "test-output" / "web"
)

# Skipped only on a developer's machine without the browser: CI installs it, so there a
# missing browser fails the test instead of hiding it.
pytestmark = pytest.mark.skipif(
    not (Path(CHROMEDRIVER).exists() and Path(CHROMIUM).exists()) and not os.environ.get("CI"),
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
)

Driver = Any  # selenium's WebDriver (imported lazily: the module is skipped without Chromium)


class LiveWeb:
    """The bot and page server running on their own event loop in a thread."""

    def __init__(self, settings: Settings, db_clock: Clock = system_clock) -> None:
        self.settings = settings
        self.db_clock = db_clock  # the bot's "now" (a session's idle period)
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.bot: WebBot | None = None
        self.stop_event: asyncio.Event | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="live-web", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._main())
        except BaseException as exc:  # reported to the test, not lost in the thread
            self.error = exc
            self.ready.set()
        finally:
            self.loop.close()

    async def _main(self) -> None:
        self.stop_event = asyncio.Event()
        async with web_bot(self.settings, db_clock=self.db_clock) as bot:
            self.bot = bot
            self.ready.set()
            await self.stop_event.wait()

    def start(self) -> str:
        self.thread.start()
        assert self.ready.wait(WAIT_S), "the web bot did not start"
        if self.error is not None:
            raise self.error
        assert self.bot is not None
        return self.bot.url

    def run(self, coroutine: Any) -> Any:
        """Run a coroutine on the server's loop (publishing a training, say)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(WAIT_S)

    def stop(self) -> None:
        if self.stop_event is not None:
            self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(WAIT_S)


@pytest.fixture
def live(settings: Settings) -> Iterator[LiveWeb]:
    web = LiveWeb(settings)
    web.start()
    LIVE.append(web)
    yield web
    LIVE.remove(web)
    web.stop()


@pytest.fixture
def downloads() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="web-downloads-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def browser(downloads: Path) -> Iterator[Driver]:
    os.environ["SE_AVOID_STATS"] = "true"  # no statistics, no driver download
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="web-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=390,844",
        "--lang=zh-CN",
    ):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "intl.accept_languages": "zh-CN,zh",
        },
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        phone_screen(driver)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


# ---------------------------------------------------------------------- page helpers
_READ_PAGE = """
return Array.from(document.querySelectorAll('#log .msg')).map(function (m) {
  return {id: Number(m.dataset.id), bot: m.classList.contains('bot'),
          text: m.querySelector('.bubble').textContent,
          meta: m.querySelector('.meta').textContent,
          buttons: Array.from(m.querySelectorAll('.ibtn')).map(function (b) {
            return b.textContent; })};
});
"""


def phone_screen(driver: Driver) -> None:
    """A 390x844 phone screen (a headless window cannot be narrower than 500)."""
    metrics = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


def desktop_screen(driver: Driver) -> None:
    """A 1280x900 desktop window."""
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.set_window_size(1280, 900)


def until(driver: Driver, condition: Callable[[Driver], Any], what: str) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_S, poll_frequency=0.1).until(condition, message=what)


def page(driver: Driver) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = driver.execute_script(_READ_PAGE)
    return result


def bot_messages(driver: Driver) -> list[dict[str, Any]]:
    return [m for m in page(driver) if m["bot"]]


def signature(driver: Driver) -> tuple[Any, ...]:
    """What changes when the bot says something new or edits a message."""
    return tuple((m["id"], m["text"], m["meta"], tuple(m["buttons"])) for m in page(driver))


LIVE: list[LiveWeb] = []  # the running bot, for act_and_wait


def act_and_wait(driver: Driver, action: Callable[[], None], what: str) -> None:
    """Do something, then wait until the bot has handled it and the page shows all it said.

    The page changing is the sign the action arrived; the gateway then says when the bot has
    handled everything, and the page's ``data-seq`` when it has drawn every change since.
    """
    from selenium.common.exceptions import TimeoutException

    before = signature(driver)
    action()
    try:
        until(driver, lambda d: signature(d) != before and _idle(d), what)
        live = LIVE[-1]
        assert live.bot is not None
        gateway = live.bot.gateway
        live.run(gateway.settled())
        last = max(gateway.web.last_seq_by_chat.values(), default=0)
        until(driver, lambda d: _page_seq(d) >= last, f"the page to show all of {what}")
    except TimeoutException:
        shoot(driver, "failure")
        raise AssertionError(f"waiting for {what}; the page shows {page(driver)[-3:]}") from None


def _page_seq(driver: Driver) -> int:
    return int(driver.execute_script("return document.getElementById('log').dataset.seq || 0"))


def _idle(driver: Driver) -> bool:
    # The page has drawn the answer to the last action (no button still pressed).
    return not driver.execute_script("return !!document.querySelector('.ibtn[disabled]')")


def type_and_send(driver: Driver, text: str) -> None:
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.ID, "input")
    box.clear()
    box.send_keys(text)
    driver.find_element(By.ID, "send").click()


def click_inline(driver: Driver, label: str) -> None:
    """Click the newest inline button whose label contains ``label``."""
    from selenium.webdriver.common.by import By

    buttons = [b for b in driver.find_elements(By.CSS_SELECTOR, "#log .ibtn") if label in b.text]
    assert buttons, f"no button {label!r} on the page"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", buttons[-1])
    buttons[-1].click()


def keyboard_labels(driver: Driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [b.text for b in driver.find_elements(By.CSS_SELECTOR, "#keyboard .kbtn")]


def shoot(driver: Driver, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


# -------------------------------------------------------------------- registration
def register(driver: Driver) -> str:
    """Go through /register answering whatever is asked; returns the registration number."""
    from selenium.webdriver.common.by import By

    first = bot_messages(driver)[-1]["id"]
    act_and_wait(driver, lambda: type_and_send(driver, "/register"), "the first step")
    for _ in range(30):
        since = [m for m in bot_messages(driver) if m["id"] > first]
        done = [REF_NO.search(m["text"]) for m in since if ZH.form.btn_submit not in m["buttons"]]
        if any(done):
            return next(found.group(0) for found in done if found)
        last = since[-1]
        labels = last["buttons"]
        keyboard = keyboard_labels(driver)
        if ZH.form.btn_submit in labels:
            act_and_wait(driver, lambda: click_inline(driver, ZH.form.btn_submit), "submitted")
        elif R.btn_share_phone in keyboard:
            button = next(
                b
                for b in driver.find_elements(By.CSS_SELECTOR, "#keyboard .kbtn")
                if b.text == R.btn_share_phone
            )
            button.click()
            until(driver, lambda d: d.find_element(By.ID, "phone-input").is_displayed(), "box")
            driver.find_element(By.ID, "phone-input").send_keys("12345")
            driver.find_element(By.ID, "phone-send").click()  # refused in the page
            until(driver, lambda d: d.find_element(By.ID, "phone-error").is_displayed(), "err")
            driver.find_element(By.ID, "phone-input").clear()
            driver.find_element(By.ID, "phone-input").send_keys("138 0013 8000")
            act_and_wait(driver, lambda: driver.find_element(By.ID, "phone-send").click(), "phone")
        elif labels:
            choice = next((b for b in labels if b == R.btn_no_referrer), labels[0])
            act_and_wait(driver, lambda c=choice: click_inline(driver, c), f"after {choice}")
        else:
            answer = next((a for k, a in ANSWERS if k in last["text"]), None)
            assert answer is not None, f"an unexpected step: {last['text']!r}"
            act_and_wait(driver, lambda a=answer: type_and_send(driver, a), f"after {answer}")
    raise AssertionError("the registration did not finish in 30 steps")


# ---------------------------------------------------------------------------- tests
def first_visit(live: LiveWeb, browser: Driver) -> None:
    """The page on a phone: the web number notice, the welcome, the bot's command menu."""
    from selenium.webdriver.common.by import By

    assert live.bot is not None
    browser.get(live.bot.url + "/")
    start = until(
        browser, lambda d: d.find_element(By.CSS_SELECTOR, "#start-wrap button"), "start"
    )
    until(browser, lambda d: not d.find_element(By.ID, "notice").get_attribute("hidden"), "note")
    notice = browser.find_element(By.ID, "notice-text").text
    assert "W1" in notice  # the resident's web number, to recover projects at the office
    shoot(browser, "phone-first-visit")
    browser.find_element(By.ID, "notice-close").click()
    act_and_wait(browser, start.click, "the welcome")
    browser.find_element(By.ID, "menu-btn").click()  # the command menu the bot published
    until(browser, lambda d: d.find_element(By.ID, "menu").is_displayed(), "the menu")
    commands = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#menu-list .cmd")]
    assert "/register" in commands
    shoot(browser, "phone-menu")
    browser.find_element(By.ID, "menu-close").click()


def ask_a_question(browser: Driver) -> None:
    """An answer with its source line; its 出处 and related-topic buttons work."""
    act_and_wait(browser, lambda: type_and_send(browser, "返税怎么申请"), "the answer")
    answer = bot_messages(browser)[-1]
    assert "税收返还" in answer["text"]
    assert "依据" in answer["text"]  # the source line under the answer
    assert any("出处" in b for b in answer["buttons"])
    shoot(browser, "phone-answer")
    act_and_wait(browser, lambda: click_inline(browser, "出处"), "the source")
    related = next(b for b in answer["buttons"] if b.startswith("🔗"))
    act_and_wait(browser, lambda: click_inline(browser, related), "the related topic")


def type_hostile_text(browser: Driver) -> None:
    """Hostile text typed by the resident stays text: no element, no script."""
    from selenium.webdriver.common.by import By

    hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    act_and_wait(browser, lambda: type_and_send(browser, hostile), "the reply to hostile text")
    assert browser.execute_script("return window.__pwned === undefined")
    assert not browser.find_elements(By.CSS_SELECTOR, "#log .bubble script, #log .bubble img")
    mine = [m for m in page(browser) if not m["bot"]]
    assert mine[-1]["text"] == hostile


def register_and_reload(browser: Driver) -> None:
    """A registration; the keyboard folds; after a reload the history is all there."""
    from selenium.webdriver.common.by import By

    ref_no = register(browser)
    shoot(browser, "phone-registered")
    if keyboard_labels(browser):  # the menu keyboard folds away to leave room for the chat
        browser.find_element(By.ID, "kb-toggle").click()
        until(browser, lambda d: not d.find_element(By.ID, "keyboard").is_displayed(), "fold")
        shoot(browser, "phone-keyboard-folded")
        browser.find_element(By.ID, "kb-toggle").click()

    browser.refresh()
    until(browser, lambda d: any(ref_no in m["text"] for m in bot_messages(d)), "history")
    texts = "\n".join(m["text"] for m in page(browser))
    assert "税收返还" in texts
    assert "返税怎么申请" in texts


def sign_up_and_save_the_calendar(live: LiveWeb, browser: Driver, downloads: Path) -> None:
    """Sign up for a session staff published; its .ics downloads as a calendar file."""
    from selenium.webdriver.common.by import By

    starts = datetime.now(UTC) + timedelta(days=3)
    draft = training(starts, title="食用菌栽培培训", capacity=30, tags=("食用菌",))
    assert live.bot is not None
    assert live.bot.running is not None
    live.run(live.bot.running.services.trainings.create(draft, actor=ADMIN_ID))
    tt = ZH.trainings
    act_and_wait(browser, lambda: type_and_send(browser, "/trainings"), "the sessions")
    until(browser, lambda d: any(tt.btn_join in b for m in page(d) for b in m["buttons"]), "join")
    act_and_wait(browser, lambda: click_inline(browser, tt.btn_join), "signed up")
    until(
        browser, lambda d: any(tt.btn_calendar in b for m in page(d) for b in m["buttons"]), "cal"
    )
    act_and_wait(browser, lambda: click_inline(browser, tt.btn_calendar), "the .ics")
    link = until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#log a.doc")[-1], "link")
    assert link.get_attribute("download").endswith(".ics")
    shoot(browser, "phone-calendar")
    link.click()
    ics = until(
        browser,
        lambda d: next((p for p in downloads.glob("*.ics") if p.stat().st_size), None),
        "the downloaded .ics",
    )
    assert ics.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    assert "食用菌栽培培训" in ics.read_text(encoding="utf-8")


def fits_desktop_and_phone(browser: Driver) -> None:
    """A desktop window, then a phone's: nothing overflows the screen sideways."""
    desktop_screen(browser)
    until(browser, lambda d: d.execute_script("return window.innerWidth") >= 1000, "desktop")
    shoot(browser, "desktop")
    phone_screen(browser)
    until(browser, lambda d: d.execute_script("return window.innerWidth") <= 400, "phone")
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_a_resident_uses_the_bot_in_a_phone_browser(
    live: LiveWeb, browser: Driver, downloads: Path
) -> None:
    first_visit(live, browser)
    ask_a_question(browser)
    type_hostile_text(browser)
    register_and_reload(browser)
    sign_up_and_save_the_calendar(live, browser, downloads)
    fits_desktop_and_phone(browser)


def test_a_session_idle_too_long_is_told_on_the_page(settings: Settings, browser: Driver) -> None:
    from selenium.webdriver.common.by import By

    clock = FakeClock()
    web = LiveWeb(settings, db_clock=clock)
    url = web.start()
    try:
        browser.get(url + "/")
        until(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#start-wrap button"), "start")
        browser.find_element(By.ID, "notice-close").click()
        clock.advance(days=settings.web.session_idle_days + 1)
        browser.refresh()
        title = until(
            browser,
            lambda d: (
                d.find_element(By.ID, "notice").is_displayed()
                and d.find_element(By.ID, "notice-title").text == ZH.web.expired_title
            ),
            "the expired-session notice",
        )
        assert title
        text = browser.find_element(By.ID, "notice-text").text
        assert " W1" in text  # the old web number, to recover projects at the office
        assert "W2" in text  # the new resident's
        shoot(browser, "phone-session-expired")
        browser.find_element(By.ID, "notice-close").click()
        assert browser.find_element(By.ID, "notice-title").text == ""  # hidden again
        browser.find_element(By.ID, "info-btn").click()
        assert browser.find_element(By.ID, "notice-title").text == ZH.web.notice_title
    finally:
        web.stop()
