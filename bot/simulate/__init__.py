"""`b12bot simulate`: a virtual clinic through the real bot, on the Bot API stand-in, in virtual time."""
