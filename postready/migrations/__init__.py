"""Numbered SQL migrations (`NNN_name.sql`) per storage engine, one folder each, applied in
order at start-up."""
