"""Benchmarks run by `talkline bench …`: they start real servers and measure them from the outside."""
