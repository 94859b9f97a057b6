"""The Turn every surface uses: input → transcribe → agent (one tool loop) → speak, as internal events."""

from talkline.pipeline.speakers import SpeechOptions
from talkline.pipeline.timings import TurnTimings
from talkline.pipeline.turn import AudioInput, NoSpeech, Pipeline, TextInput, Turn, TurnInput, TurnOptions

__all__ = ["AudioInput", "NoSpeech", "Pipeline", "SpeechOptions", "TextInput", "Turn", "TurnInput", "TurnOptions",
           "TurnTimings"]
