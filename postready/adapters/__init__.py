"""Chat adapters: each turns its platform's updates into the bot's conversation and renders the
bot's replies with its chat library."""
