import subprocess
import sys
import time

import pytest
from pydantic import SecretStr

from talkline.auth.credentials import is_beta, key_from_headers, select_subprotocol
from talkline.auth.identity import Authenticator, AuthError
from talkline.auth.ratelimit import MemoryRateLimiter
from talkline.auth.secrets import MemorySecretStore, SecretRecord, fingerprint, new_secret
from talkline.settings import Settings
from tests.server_process import REPO


def test_key_extraction_order() -> None:
    assert key_from_headers({"authorization": "Bearer abc"}, ["openai-insecure-api-key.xyz"]) == "abc"
    assert key_from_headers({}, ["realtime", "openai-insecure-api-key.xyz"]) == "xyz"
    assert key_from_headers({"api-key": "h"}, []) == "h"
    assert key_from_headers({}, [], {"api-key": "q"}) == "q"
    assert key_from_headers({}, []) is None


def test_dialect_and_subprotocol_selection() -> None:
    assert is_beta({"openai-beta": "realtime=v1"}, [])
    assert is_beta({}, ["realtime", "openai-beta.realtime-v1"])
    assert not is_beta({"openai-beta": "assistants=v2"}, ["realtime"])
    assert select_subprotocol(["openai-insecure-api-key.k", "realtime"]) == "realtime"
    assert select_subprotocol([]) is None


async def test_server_keys_secrets_and_anonymous_loopback() -> None:
    store = MemorySecretStore()
    keyed = Authenticator(Settings(api_keys=[SecretStr("k1")]), store)
    assert (await keyed.authenticate("k1", "10.0.0.5")).kind == "server_key"
    with pytest.raises(AuthError) as missing:
        await keyed.authenticate(None, "127.0.0.1")
    assert missing.value.code == "missing_api_key"
    secret = new_secret()
    await store.put(secret, SecretRecord(owner="key_x/alice", session={"model": "eco"}, expires_at=int(time.time()) + 60))
    caller = await keyed.authenticate(secret, "10.0.0.5")
    assert caller.kind == "client_secret" and caller.owner == "key_x/alice" and not caller.may_mint
    expired = new_secret()
    await store.put(expired, SecretRecord(owner="o", session={}, expires_at=int(time.time()) - 1))
    with pytest.raises(AuthError) as late:
        await keyed.authenticate(expired, "127.0.0.1")
    assert late.value.code == "client_secret_expired"
    assert secret not in str(store._records) and fingerprint(secret) in store._records  # only hashes are kept

    anonymous = Authenticator(Settings(api_keys=[]), store)
    assert (await anonymous.authenticate(None, "127.0.0.1")).kind == "anonymous"
    with pytest.raises(AuthError) as remote:
        await anonymous.authenticate(None, "192.168.1.20")
    assert remote.value.status == 403


async def test_rate_limiter_window() -> None:
    limiter = MemoryRateLimiter(limit=2)
    assert [await limiter.allow("k") for _ in range(3)] == [True, True, False]
    assert await limiter.allow("other")


def test_serve_refuses_a_public_interface_without_a_server_key() -> None:
    result = subprocess.run([sys.executable, "-m", "talkline.cli", "serve", "--host", "0.0.0.0"], cwd=REPO,
                            capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "TALKLINE_API_KEYS": ""})
    assert result.returncode == 2 and "TALKLINE_API_KEYS" in result.stderr
