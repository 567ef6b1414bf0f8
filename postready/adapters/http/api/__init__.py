"""The HTTP API: the REST endpoints a shop's system or an automation tool calls to optimise a
photo, on the process's HTTP server beside /healthz and /metrics."""

from postready.adapters.http.api.frontend import ApiFrontend, api_frontend

__all__ = ["ApiFrontend", "api_frontend"]
