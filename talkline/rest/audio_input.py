"""Audio that arrives in requests (multipart files, base64 content parts) decoded to 16 kHz Pcm."""

from __future__ import annotations

import asyncio
import base64
import binascii
import re

from talkline.audio import AudioError, Pcm, decode_upload
from talkline.http_errors import ApiError
from talkline.rest.errors import audio_error
from talkline.settings import Settings

STT_RATE = 16000
_DATA_URL = re.compile(r"^data:[\w/.+-]*(?:;[\w=.+-]+)*;base64,")


class AudioInput:
    """Checks sizes against the settings' upload limits and decodes off the event loop."""

    def __init__(self, settings: Settings) -> None:
        self.max_bytes = settings.upload_max_bytes
        self.max_seconds = settings.upload_max_seconds

    async def decode(self, data: bytes, param: str) -> Pcm:
        self.check_size(len(data), param)
        try:
            return await asyncio.to_thread(decode_upload, data, rate=STT_RATE, max_seconds=self.max_seconds)
        except AudioError as exc:
            raise audio_error(exc, param) from None

    async def decode_base64(self, text: str, param: str) -> Pcm:
        """A base64 file (a `data:` URL prefix is tolerated)."""
        text = _DATA_URL.sub("", text.strip(), count=1)
        self.check_size(len(text) * 3 // 4, param)
        try:
            data = base64.b64decode(text, validate=True)
        except binascii.Error:
            raise ApiError(400, f"'{param}' is not valid base64", code="invalid_value", param=param) from None
        return await self.decode(data, param)

    def check_size(self, size: int, param: str) -> None:
        if size > self.max_bytes:
            raise ApiError(413, f"the audio file is larger than the limit of {self.max_bytes} bytes",
                           code="file_too_large", param=param)
