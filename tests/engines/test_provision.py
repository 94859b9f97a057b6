from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from talkline.engines import provision
from talkline.engines.provision import (
    PIPER_VOICE_SHA256,
    SMART_TURN_SHA256,
    WHISPER_BASE_SHA256,
    ModelFileError,
    ModelPaths,
    check_whisper_folder,
    file_sha256,
    materialize,
    provision_models,
    provision_turn_model,
    provision_whisper_base,
    verified,
)


@pytest.fixture(scope="module")
def whisper_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return provision_whisper_base(tmp_path_factory.mktemp("cache") / "whisper-base")


def test_joins_the_two_wheels_into_the_pinned_model(whisper_cache: Path) -> None:
    assert sorted(path.name for path in whisper_cache.iterdir()) == sorted(WHISPER_BASE_SHA256)
    for name, digest in WHISPER_BASE_SHA256.items():
        assert file_sha256(whisper_cache / name) == digest


def test_a_good_cache_is_not_rewritten(whisper_cache: Path) -> None:
    before = {path.name: path.stat().st_ino for path in whisper_cache.iterdir()}
    provision_whisper_base(whisper_cache)
    assert {path.name: path.stat().st_ino for path in whisper_cache.iterdir()} == before


@pytest.mark.parametrize("name", ["model.bin", "tokenizer.json"])
def test_a_corrupt_cache_is_rebuilt(whisper_cache: Path, name: str) -> None:
    with (whisper_cache / name).open("r+b") as file:
        file.seek(1000)
        file.write(b"corrupt")
    provision_whisper_base(whisper_cache)
    assert file_sha256(whisper_cache / name) == WHISPER_BASE_SHA256[name]
    assert not [path for path in whisper_cache.iterdir() if path.name.startswith(".")]


def test_a_truncated_model_is_rebuilt(whisper_cache: Path) -> None:
    with (whisper_cache / "model.bin").open("r+b") as file:
        file.truncate(1 << 20)
    provision_whisper_base(whisper_cache)
    assert file_sha256(whisper_cache / "model.bin") == WHISPER_BASE_SHA256["model.bin"]


def test_provision_models_verifies_every_file(tmp_path: Path, whisper_cache: Path) -> None:
    shutil.copytree(whisper_cache, tmp_path / "models" / "whisper-base")
    paths = provision_models(tmp_path)
    assert isinstance(paths, ModelPaths)
    assert paths.whisper_dir == tmp_path / "models" / "whisper-base"
    assert file_sha256(paths.piper_model) == PIPER_VOICE_SHA256[paths.piper_model.name]
    assert file_sha256(paths.piper_config) == PIPER_VOICE_SHA256[paths.piper_config.name]
    assert paths.silero_model.is_file()


def test_join_with_a_wrong_digest_names_the_file_and_leaves_nothing(tmp_path: Path) -> None:
    parts = [tmp_path / "a.part", tmp_path / "b.part"]
    parts[0].write_bytes(b"first half ")
    parts[1].write_bytes(b"second half")
    target = tmp_path / "cache" / "model.bin"
    with pytest.raises(ModelFileError) as caught:
        materialize(target, parts, "0" * 64)
    assert "model.bin" in str(caught.value) and "a.part" in str(caught.value)
    assert caught.value.code == "model_unavailable"
    assert list(target.parent.iterdir()) == []


def test_join_concatenates_in_order(tmp_path: Path) -> None:
    parts = [tmp_path / "a.part", tmp_path / "b.part"]
    parts[0].write_bytes(b"first half ")
    parts[1].write_bytes(b"second half")
    digest = hashlib.sha256(b"first half second half").hexdigest()
    target = materialize(tmp_path / "joined", parts, digest)
    assert target.read_bytes() == b"first half second half"


def test_missing_part_is_named(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="gone.part"):
        materialize(tmp_path / "model.bin", [tmp_path / "gone.part"], "0" * 64)


def test_verified_rejects_a_changed_file(tmp_path: Path) -> None:
    path = tmp_path / "voice.onnx"
    path.write_bytes(b"not the voice")
    with pytest.raises(ModelFileError, match="voice.onnx"):
        verified(path, PIPER_VOICE_SHA256["en_US-joe-medium.onnx"])
    with pytest.raises(ModelFileError, match="missing"):
        verified(tmp_path / "absent.onnx", "0" * 64)
    assert verified(path, file_sha256(path)) == path


def test_a_users_own_model_folder_must_be_complete(tmp_path: Path, whisper_cache: Path) -> None:
    own = tmp_path / "my-whisper"
    own.mkdir()
    (own / "model.bin").write_bytes(b"weights")
    with pytest.raises(ModelFileError) as caught:
        check_whisper_folder(own)
    assert "tokenizer.json" in str(caught.value) and "vocabulary" in str(caught.value)
    paths = provision_models(tmp_path / "data", stt_model_dir=whisper_cache)
    assert paths.whisper_dir == whisper_cache
    assert not (tmp_path / "data" / "models").exists()  # nothing joined when the user brings a model


def test_the_end_of_turn_model_comes_verified_from_the_pipecat_wheel() -> None:
    path = provision_turn_model()
    assert path is not None, "pipecat-ai 1.14.0 is not installed: run scripts/install"
    assert path.name == "smart-turn-v3.2-cpu.onnx" and file_sha256(path) == SMART_TURN_SHA256


def test_another_pipecat_version_leaves_semantic_vad_without_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provision, "SMART_TURN_VERSION", "0.0.1")
    assert provision_turn_model() is None


def test_a_missing_pipecat_leaves_semantic_vad_without_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provision, "SMART_TURN_DISTRIBUTION", "no-such-distribution-talkline")
    assert provision_turn_model() is None
