"""The only code that talks to AI and cloud services, each behind a small interface."""
