"""Benchmarks (`talkline bench …`): latency of realtime turns, voice jobs, and the relay."""
