"""Tests make throwaway PostgreSQL databases with the benchmarks' helper."""

from talkline.bench.postgres import throwaway_database

__all__ = ["throwaway_database"]
