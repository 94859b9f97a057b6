"""The page's pure logic (visible state, reconnect backoff, push-to-talk tap threshold) under Node's
test runner: milliseconds, no browser."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

LOGIC = Path(__file__).parent / "logic.test.mjs"


def test_page_logic_under_node() -> None:
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is missing: the browser tests need Node.js and npm (apt-get install -y npm)")
    result = subprocess.run([node, "--test", str(LOGIC)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout and "# pass 4" in result.stdout, result.stdout
