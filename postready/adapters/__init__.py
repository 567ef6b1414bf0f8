"""Chat adapters (Telegram, Discord): parse updates, render replies. Know nothing about pixels."""
