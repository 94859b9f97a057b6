import logging

from talkline.logs import JsonFormatter, Redactor


def test_secrets_are_masked_in_messages_and_tracebacks() -> None:
    redactor = Redactor(secrets=["my-server-key-123"])
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "key %s secret %s auth %s url %s", (
        "my-server-key-123", "ek_abcdefghijklmnop", "Bearer sk-live-1234567890",
        "amqp://guest:hunter2@localhost/"), None)
    redactor.filter(record)
    text = record.getMessage()
    for leaked in ("my-server-key-123", "ek_abcdefghijklmnop", "sk-live-1234567890", "hunter2"):
        assert leaked not in text
    assert "amqp://guest:***@" in text

    try:
        raise ValueError("bad key ek_zzzzzzzzzzzzzzzz")
    except ValueError:
        import sys

        failing = logging.LogRecord("t", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    redactor.filter(failing)
    assert "ek_zzzzzzzzzzzzzzzz" not in JsonFormatter().format(failing)
