-- The API's requests of the last minute per key, so that every process serving the API counts
-- against one limit.
CREATE TABLE api_requests (
    key_id INTEGER NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
    at REAL NOT NULL
);
CREATE INDEX api_requests_key_at ON api_requests (key_id, at);
