"""Engines: speech detection, recognition and synthesis behind small interfaces."""
