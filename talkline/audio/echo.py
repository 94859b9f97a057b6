"""Echo detection for barge-in: is the caller's microphone just hearing our own voice?

Callers without echo cancellation (a phone on speaker, a browser without AEC) send the server's
speech back into the input. The server knows what it played, so it compares each incoming window
with the audio played over the last `max_delay_ms`: a high normalized cross-correlation at some
delay means the "speech" is our echo, not the user interrupting.

Both signals live on one timeline counted in microphone samples. `reference()` schedules played
audio to start where the previous reference ended, or now if playback had gone quiet; that is
how a client plays a buffer it receives faster than real time.

Memory is bounded: the timeline only advances with microphone audio, so a session that speaks but
does not stream its microphone (text turns, push-to-talk between presses) would otherwise keep
every reply. At most `max_ahead_ms` of reference ahead of the microphone is kept; later audio is
not scheduled (nothing compares against it until the microphone has caught up that far).
"""

from __future__ import annotations

import numpy as np

from talkline.audio.pcm import Pcm

_QUIET_RMS = 10 ** (-55 / 20)  # below about -55 dBFS there is nothing to correlate


class EchoDetector:
    """Scores microphone frames against the audio the server played (0: unrelated, 1: echo).

    Each score covers the last `window_ms` of microphone audio, searched over delays up to
    `max_delay_ms`. Measured on speech: a direct echo scores about 0.9 or more, an echo through a
    reverberant room 0.5-0.7, other speech (even in the same voice) about 0.2, silence 0.
    """

    def __init__(self, rate: int = 16000, max_delay_ms: float = 800, window_ms: float = 512,
                 max_ahead_ms: float = 120_000) -> None:
        if rate <= 0 or max_delay_ms < 0 or window_ms <= 0 or max_ahead_ms <= 0:
            raise ValueError("rate, window_ms and max_ahead_ms must be positive and max_delay_ms not negative")
        self.rate = rate
        self._max_delay = int(rate * max_delay_ms / 1000)
        self._window = int(rate * window_ms / 1000)
        self._max_ahead = int(rate * max_ahead_ms / 1000)
        self._now = 0  # microphone samples received so far
        self._mic = np.zeros(0, dtype=np.float32)
        self._ref = np.zeros(0, dtype=np.float32)
        self._ref_start = 0  # timeline position of self._ref[0]

    @property
    def _ref_end(self) -> int:
        return self._ref_start + len(self._ref)

    def reference(self, pcm16k: bytes) -> None:
        """Audio (s16le at `rate`) the server is sending to be played, in playback order."""
        played = Pcm(pcm16k, self.rate).to_float32()
        if self._ref_end < self._now:  # playback had gone quiet: this audio starts now
            gap = min(self._now - self._ref_end, self._window + self._max_delay)
            self._ref = np.concatenate([self._ref, np.zeros(gap, dtype=np.float32)])
            self._ref_start = self._now - len(self._ref)
        room = self._now + self._max_ahead - self._ref_end
        if room > 0:
            self._ref = np.concatenate([self._ref, played[:room]])
        self._trim_reference()

    def interrupt(self) -> None:
        """Playback was cut (barge-in, truncate): forget reference audio that will never play."""
        self._ref = self._ref[: max(0, self._now - self._ref_start)]

    def similarity(self, frame16k: bytes) -> float:
        """Append one microphone frame; return how strongly the latest window echoes our audio."""
        self._mic = np.concatenate([self._mic, Pcm(frame16k, self.rate).to_float32()])[-self._window :]
        self._now += len(frame16k) // 2
        self._trim_reference()
        return self._best_correlation(self._mic, self._played_around_now(len(self._mic)))

    def _trim_reference(self) -> None:
        oldest_needed = self._now - self._window - self._max_delay
        if oldest_needed > self._ref_start:
            self._ref = self._ref[oldest_needed - self._ref_start :]
            self._ref_start = oldest_needed

    def _played_around_now(self, window: int) -> np.ndarray:
        """Reference covering [now - window - max_delay, now), zeros where nothing was playing."""
        start = self._now - window - self._max_delay
        segment = np.zeros(window + self._max_delay, dtype=np.float32)
        lo, hi = max(start, self._ref_start), min(self._now, self._ref_end)
        if hi > lo:
            segment[lo - start : hi - start] = self._ref[lo - self._ref_start : hi - self._ref_start]
        return segment

    def _best_correlation(self, mic: np.ndarray, played: np.ndarray) -> float:
        n = len(mic)
        if n == 0 or _rms(mic) < _QUIET_RMS:
            return 0.0
        size = 1 << (len(played) + n - 1).bit_length()
        spectrum = np.fft.rfft(played, size) * np.conj(np.fft.rfft(mic, size))
        correlation = np.fft.irfft(spectrum, size)[: len(played) - n + 1]
        energy = np.cumsum(np.concatenate([[0.0], np.square(played, dtype=np.float64)]))
        window_energy = energy[n:] - energy[:-n]
        audible = window_energy > n * _QUIET_RMS**2
        if not audible.any():
            return 0.0
        mic_norm = np.sqrt(np.dot(mic, mic))
        # abs: some speakers and microphones invert polarity
        scores = np.abs(correlation[audible]) / (mic_norm * np.sqrt(window_energy[audible]))
        return float(min(1.0, scores.max()))


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
