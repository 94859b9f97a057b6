"""The fault-injection suite (marker `faults`): real `talkline serve` and `talkline worker` processes on
the fake engines, and private Redis, RabbitMQ and PostgreSQL servers (tests/faults/services.py) that the
tests kill and restart. Every test states what the client sees and checks that nothing was lost and
nothing came twice."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.faults)
