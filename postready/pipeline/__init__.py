"""Pure content work: images, text and the runner that wires them. Knows no chat and no database."""
