"""创业助手 (chuangye-bot): app wiring, settings, texts, CLI and the local Bot API emulator.

Importing this package runs nothing and imports no third-party module, so that light CLI
commands (``ask``, ``kb check``) start fast. Only ``bot.app`` imports the handlers.
"""

__version__ = "0.1.0"
