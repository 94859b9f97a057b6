"""The dialogue set heard through speech: espeak-ng says a learner's line in Korean, whisper-base (the
server's local model, as the latency path runs it) writes down what it heard, and the partner answers
that. One real recording (a read sentence) shows the error rate of real speech beside synthetic speech.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from talkline.audio import Pcm, resample
from talkline.profiles.practice.evaluate import Report, dialogue_sets, run_evaluation
from talkline.profiles.practice.language import detect_language

WHISPER_RATE = 16000
DEFAULT_CLIPS = [
    Path("../shared/testdata/ko/read-sentence-01.wav"),
    Path("/work/shared/testdata/ko/read-sentence-01.wav"),
]


def character_error_rate(heard: str, said: str) -> float:
    """Edit distance over letters and digits (spaces and punctuation ignored), over the length said."""

    def letters(text: str) -> str:
        return "".join(char for char in text if char.isalnum())

    return Levenshtein.distance(letters(heard), letters(said)) / max(1, len(letters(said)))


@dataclass
class Ear:
    """Speaks Korean lines with espeak-ng and hears them back with whisper-base."""

    data_dir: Path
    heard: list[tuple[str, str]] = field(default_factory=list)  # (said, heard)

    def __post_init__(self) -> None:
        from talkline.engines.local.espeak_tts import load_espeak
        from talkline.engines.local.whisper import load_whisper_model
        from talkline.engines.provision import provision_models

        self._espeak = load_espeak()
        self._voice = self._espeak.voice_by_language["ko"]
        self._whisper = load_whisper_model(str(provision_models(self.data_dir).whisper_dir), 2, 1)

    def __call__(self, text: str) -> str:
        samples = self._espeak.speak(text, self._voice, 165)
        heard = self.transcribe(Pcm(samples, self._espeak.sample_rate))
        self.heard.append((text, heard))
        return heard

    def transcribe(self, audio: Pcm) -> str:
        audio = resample(audio, WHISPER_RATE)
        segments, _ = self._whisper.transcribe(
            audio.to_float32(), language="ko", beam_size=5, condition_on_previous_text=False
        )
        return " ".join(segment.text.strip() for segment in segments).strip()


def run_speech_evaluation(data_dir: Path, every: int = 3, clip: Path | None = None) -> Report:
    """The dialogue set with every `every`-th Korean learner turn spoken and heard, and the real clip."""
    chosen = _chosen_turns(every)
    ear = Ear(data_dir)
    report = run_evaluation(transcribe=ear, select=lambda dialogue_id, index: (dialogue_id, index) in chosen)
    rates = [character_error_rate(heard, said) for said, heard in ear.heard]
    report.speech = {
        "voice": "espeak-ng ko → whisper-base (int8, beam 5)",
        "turns": len(ear.heard),
        "cer_mean": round(statistics.mean(rates), 3) if rates else None,
        "cer_median": round(statistics.median(rates), 3) if rates else None,
        "examples": [{"said": said, "heard": heard} for said, heard in ear.heard[:8]],
        "clip": _clip(ear, clip),
    }
    return report


def _chosen_turns(every: int) -> set[tuple[str, int]]:
    korean = [
        (dialogue.id, index)
        for dialogues in dialogue_sets().values()
        for dialogue in dialogues
        for index, turn in enumerate(dialogue.turns)
        if detect_language(turn.say) == "ko"
    ]
    return set(korean[::every])


def _clip(ear: Ear, clip: Path | None) -> dict[str, Any] | None:
    path = clip or next((candidate for candidate in DEFAULT_CLIPS if candidate.exists()), None)
    if path is None:
        return None
    import wave

    with wave.open(str(path)) as wav:
        audio = Pcm(wav.readframes(wav.getnframes()), wav.getframerate())
    said = _clip_transcript(path)
    heard = ear.transcribe(audio)
    return {
        "path": str(path),
        "said": said,
        "heard": heard,
        "cer": round(character_error_rate(heard, said), 3) if said else None,
    }


def _clip_transcript(path: Path) -> str | None:
    readme = path.parent / "README.md"
    if not readme.exists():
        return None
    found = re.search(r"Transcript:\s*(.+)", readme.read_text(encoding="utf-8"))
    return found.group(1).strip() if found else None


# ── recognition errors at a chosen rate ───────────────────────────────────────────────────────

_INITIALS = "ᄀᄁᄂᄃᄄᄅᄆᄇᄈᄉᄊᄋᄌᄍᄎᄏᄐᄑᄒ"
_SIMILAR_INITIALS = ["ᄀᄁᄏ", "ᄃᄄᄐ", "ᄇᄈᄑ", "ᄌᄍᄎ", "ᄉᄊ", "ᄂᄅ", "ᄋᄒ", "ᄆᄂ"]
_SIMILAR_VOWELS = [(1, 5), (4, 8), (13, 18), (6, 12), (10, 11, 15), (19, 20), (0, 4), (2, 6), (9, 0), (14, 4)]
_SIMILAR_FINALS = [(0, 21), (4, 21, 16), (1, 7, 17), (19, 20, 7), (8, 0)]


class RecognitionNoise:
    """Recognition errors at about a chosen character error rate, of the kinds whisper-base makes on
    Korean: most words come through untouched and some come out wrong (the real clip: 이리저리 → 1위절이,
    the rest exact); in a wrong word, sounds are swapped for similar ones (ㄱ/ㅋ/ㄲ, ㅐ/ㅔ, ㅓ/ㅗ, a final
    dropped) and a syllable may be lost or doubled; spaces move. Seeded by the text: runs repeat exactly."""

    SYLLABLES_HIT = 0.6  # the share of a wrong word's syllables that change

    def __init__(self, rate: float, seed: int = 0) -> None:
        self.rate, self.seed = rate, seed
        self.heard: list[tuple[str, str]] = []

    def __call__(self, text: str) -> str:
        import random
        import zlib

        rng = random.Random(zlib.crc32(text.encode()) ^ self.seed)
        words = [
            self._word(word, rng) if rng.random() < self.rate / self.SYLLABLES_HIT else word
            for word in text.split(" ")
        ]
        heard = "".join(word + (" " if rng.random() > self.rate / 2 else "") for word in words).strip()
        self.heard.append((text, heard))
        return heard

    def _word(self, word: str, rng: Any) -> str:
        out: list[str] = []
        for char in word:
            if not (0xAC00 <= ord(char) <= 0xD7A3) or rng.random() >= self.SYLLABLES_HIT:
                out.append(char)
                continue
            kind = rng.random()
            if kind < 0.1:
                continue  # a syllable lost
            out += [char, char] if kind < 0.15 else [_similar(char, rng, kind)]
        return "".join(out)


def _similar(char: str, rng: Any, kind: float) -> str:
    code = ord(char) - 0xAC00
    initial, vowel, final = code // 588, (code % 588) // 28, code % 28
    if kind < 0.45:
        group = next((g for g in _SIMILAR_INITIALS if _INITIALS[initial] in g), _INITIALS[initial])
        initial = _INITIALS.index(rng.choice([c for c in group if c != _INITIALS[initial]] or [group]))
    elif kind < 0.75:
        group = next((g for g in _SIMILAR_VOWELS if vowel in g), (vowel,))
        vowel = rng.choice([v for v in group if v != vowel] or [vowel])
    else:
        group = next((g for g in _SIMILAR_FINALS if final in g), (final, 0))
        final = rng.choice([f for f in group if f != final] or [0])
    return chr(0xAC00 + initial * 588 + vowel * 28 + final)


def run_noisy_evaluation(rate: float) -> Report:
    """The dialogue set with every Korean learner turn passed through recognition errors at `rate`."""
    noise = RecognitionNoise(rate)
    korean = {
        (dialogue.id, index)
        for dialogues in dialogue_sets().values()
        for dialogue in dialogues
        for index, turn in enumerate(dialogue.turns)
        if detect_language(turn.say) == "ko"
    }
    report = run_evaluation(
        transcribe=noise, select=lambda dialogue_id, index: (dialogue_id, index) in korean
    )
    rates = [character_error_rate(heard, said) for said, heard in noise.heard]
    report.speech = {
        "voice": f"simulated recognition errors (target CER {rate})",
        "turns": len(noise.heard),
        "cer_mean": round(statistics.mean(rates), 3),
        "cer_median": round(statistics.median(rates), 3),
        "examples": [{"said": said, "heard": heard} for said, heard in noise.heard[:8]],
        "clip": None,
    }
    return report
