"""PostReady: one photo in, ready-to-post content out."""

__version__ = "0.1.0"
