"""The command line's exit codes."""

EXIT_OK = 0
EXIT_PLATFORM_FAILED = 1  # the run finished, but at least one platform failed
EXIT_BAD_INPUT = 2  # a PostReadyError: its code and one line on stderr
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT
