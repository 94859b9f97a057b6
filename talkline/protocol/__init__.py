"""Wire protocols as pure data: the OpenAI Realtime events (GA and beta) and the voice-job SSE events.

Nothing here does I/O or imports the rest of Talkline; the edges (realtime/, jobs/) use these models.
"""
