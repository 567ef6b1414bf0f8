"""The application: configuration, command line, (later) job queue and store. Knows no chat library."""
