"""The application: configuration, command line, job queue and store. Knows no chat library."""
