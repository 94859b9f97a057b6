"""Audio: PCM containers, resampling, G.711, decoding uploads and encoding outputs."""

from talkline.audio.pcm import Pcm

__all__ = ["Pcm"]
