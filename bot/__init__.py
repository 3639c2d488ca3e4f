"""创业助手 (chuangye-bot): settings, texts and services below the handlers; ``bot.shell`` above.

Importing this package runs nothing and imports no third-party module, so that light CLI
commands (``ask``, ``kb check``) start fast. Only ``bot.shell`` imports the handlers.
"""

__version__ = "0.1.0"
