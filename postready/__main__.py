from postready.cli import entry_point

entry_point()
