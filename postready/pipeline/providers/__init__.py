"""The only code that talks to AI, cloud and web services, each behind a small protocol whose
local, offline implementation is the default (see `base.py`)."""
