"""The shell: everything above the handlers - the composition root (``app``), the runner, the
command line (``cli*``), the health endpoint, the test/benchmark harness and the local Bot API
emulator. Nothing outside this package imports it, and only this package imports ``handlers``.
"""
