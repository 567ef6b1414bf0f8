"""The process's HTTP server: health and Prometheus metrics (`server.py`)."""
