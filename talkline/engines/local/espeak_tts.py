"""Speech in every other language (Korean included) with espeak-ng's formant synthesiser.

libespeak-ng and its data come inside the espeakng-loader wheel; we call the library through
ctypes in synchronous mode, collecting samples in a callback. The library keeps its voice,
rate and callback in global state, so every synthesis holds one process-wide lock.

espeak-ng reads Hangul letter by letter (감사합니다 as [감사합니다], 신라 as [신라]), so Korean text is
first rewritten as it is pronounced (speech_text.pronounce: [감사함니다], [실라]).
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import AsyncIterator
from pathlib import Path

from talkline.audio import Pcm
from talkline.engines.base import EngineError
from talkline.engines.language import primary_language
from talkline.engines.local.once import once_per_process
from talkline.engines.pool import InferencePool
from talkline.engines.speech_text.pronounce import KoreanPronouncer, load_pronouncer
from talkline.engines.synthesis import SpeechRequestError, checked_speed

# speak_lib.h
AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_DONT_EXIT = 0x8000
POS_CHARACTER = 1
CHARS_UTF8 = 0x1
END_PAUSE = 0x1000  # each call is a whole sentence, so keep its closing pause
PARAMETER_RATE = 1
EE_OK = 0
PHONEMES_IPA = 0x02

DEFAULT_RATE_WPM = 175
MIN_RATE_WPM = 80
MAX_RATE_WPM = 450

SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


class EspeakVoice(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),  # (priority byte, NUL-terminated code) pairs, then a 0 byte
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


class EspeakLibrary:
    """The process's one libespeak-ng, initialised for synchronous synthesis."""

    def __init__(self, library_path: str, data_path: str) -> None:
        self._lib = ctypes.CDLL(library_path)
        self._declare()
        self._lock = threading.Lock()
        self._chunks: list[bytes] = []
        self.sample_rate: int = self._lib.espeak_Initialize(
            AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), INITIALIZE_DONT_EXIT
        )
        if self.sample_rate <= 0:
            raise EngineError(f"espeak-ng failed to start with data in {data_path}", "model_unavailable")
        self._callback = SynthCallback(self._collect)  # kept referenced: the library calls it later
        self._lib.espeak_SetSynthCallback(self._callback)
        self.voice_by_language = self._voice_table()
        self.variants = sorted(path.name for path in (Path(data_path) / "voices" / "!v").iterdir())

    def speak(self, text: str, voice: str, rate_wpm: int) -> bytes:
        """Blocking: `text` as s16le samples at `sample_rate`, in voice `voice` ('ko' or 'ko+f2')."""
        encoded = text.encode()
        with self._lock:
            self._chunks = []
            self._checked(self._lib.espeak_SetVoiceByName(voice.encode()), f"select voice {voice!r}")
            self._checked(self._lib.espeak_SetParameter(PARAMETER_RATE, rate_wpm, 0), "set the rate")
            flags = CHARS_UTF8 | END_PAUSE
            result = self._lib.espeak_Synth(encoded, len(encoded) + 1, 0, POS_CHARACTER, 0, flags, None, None)
            self._checked(result, "synthesise")
            return b"".join(self._chunks)

    def phonemes(self, text: str, voice: str) -> str:
        """Blocking: the phonemes (IPA) espeak-ng says for `text` in `voice`, clause by clause."""
        buffer = ctypes.c_char_p(text.encode())
        cursor = ctypes.pointer(buffer)
        clauses = []
        with self._lock:
            self._checked(self._lib.espeak_SetVoiceByName(voice.encode()), f"select voice {voice!r}")
            while cursor.contents.value:
                clauses.append(self._lib.espeak_TextToPhonemes(cursor, CHARS_UTF8, PHONEMES_IPA).decode())
        return " ".join(clauses)

    def _collect(self, samples: ctypes._Pointer[ctypes.c_short], count: int, _events: int | None) -> int:
        if count > 0:
            self._chunks.append(ctypes.string_at(samples, count * 2))
        return 0  # continue

    def _voice_table(self) -> dict[str, str]:
        """Language code -> identifier of the voice espeak ranks first for it (lowest priority)."""
        ranked: dict[str, tuple[int, str]] = {}
        voices = self._lib.espeak_ListVoices(None)
        index = 0
        while voices[index]:
            voice = voices[index].contents
            for priority, language in _languages(voice.languages):
                if language not in ranked or priority < ranked[language][0]:
                    ranked[language] = (priority, voice.identifier.decode())
            index += 1
        return {language: identifier for language, (_, identifier) in ranked.items()}

    @staticmethod
    def _checked(result: int, action: str) -> None:
        if result != EE_OK:
            raise EngineError(f"espeak-ng could not {action} (error {result})", "tts_failed")

    def _declare(self) -> None:
        lib = self._lib
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(EspeakVoice))
        lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]


def _languages(address: int) -> list[tuple[int, str]]:
    pairs = []
    while priority := ctypes.string_at(address, 1)[0]:
        code = ctypes.string_at(address + 1)
        pairs.append((priority, code.decode()))
        address += len(code) + 2
    return pairs


@once_per_process
def load_espeak() -> EspeakLibrary:
    import espeakng_loader

    return EspeakLibrary(espeakng_loader.get_library_path(), espeakng_loader.get_data_path())


class EspeakTTS:
    """TextToSpeech over espeak-ng. `language` picks the voice, `voice` an optional variant ('f2', 'm3')."""

    name = "espeak-ng"

    def __init__(self, library: EspeakLibrary, pool: InferencePool, *, default_language: str = "en",
                 korean: KoreanPronouncer | None = None) -> None:
        self._library = library
        self._pool = pool
        self._default_language = default_language
        self._korean = korean
        self.sample_rate = library.sample_rate

    @classmethod
    def load(cls, pool: InferencePool) -> EspeakTTS:
        """Blocking: starts the library and the Korean pronouncer (once per process, a few seconds)."""
        return cls(load_espeak(), pool, korean=load_pronouncer())

    def voices(self) -> list[str]:
        return list(self._library.variants)

    def languages(self) -> list[str]:
        return sorted(self._library.voice_by_language)

    def voice_name(self, language: str | None, variant: str | None = None) -> str:
        """The espeak voice for a language code ('ko', 'pt-BR', 'zh') and optional variant."""
        identifier = self._identifier(language or self._default_language)
        if variant is None:
            return identifier
        if variant not in self._library.variants:
            raise SpeechRequestError(f"espeak-ng has no voice variant {variant!r}", "unknown_voice")
        return f"{identifier}+{variant}"

    async def synthesize(
        self, text: str, *, voice: str | None = None, language: str | None = None, speed: float = 1.0
    ) -> AsyncIterator[Pcm]:
        name = self.voice_name(language, voice)
        rate = round(min(MAX_RATE_WPM, max(MIN_RATE_WPM, DEFAULT_RATE_WPM * checked_speed(speed))))
        if not text.strip():
            return
        # espeak renders a sentence in a few milliseconds, so one chunk per call streams well enough
        samples = await self._pool.run(self._speak, text, language or self._default_language, name, rate)
        if samples:
            yield Pcm(samples, self.sample_rate)

    def spoken_form(self, text: str, language: str) -> str:
        """What espeak-ng is given for `text`: Korean as pronounced, other languages as written."""
        if self._korean is not None and primary_language(language) == "ko":
            return self._korean.pronounce(text)
        return text

    def _speak(self, text: str, language: str, voice_name: str, rate: int) -> bytes:
        return self._library.speak(self.spoken_form(text, language), voice_name, rate)

    def _identifier(self, language: str) -> str:
        table = self._library.voice_by_language
        identifier = table.get(language.replace("_", "-").lower()) or table.get(primary_language(language))
        if identifier is None:
            raise SpeechRequestError(
                f"espeak-ng has no voice for language {language!r}", "unsupported_language"
            )
        return identifier
