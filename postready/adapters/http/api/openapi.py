"""The API's OpenAPI 3.1 document, served at /api/v1/openapi.json. Built from the same tables
the API answers from (platforms, styles, colours, error codes), and checked against the
server by the tests (schemathesis), so it stays true."""

from __future__ import annotations

from typing import Any

from postready.adapters.http.api.documents import API
from postready.adapters.http.api.problems import STATUSES, SUBMIT_STATUSES
from postready.adapters.http.api.uploads import FIELDS, MAX_IMAGES
from postready.core.i18n import LANGUAGES
from postready.core.storage.models import SessionStatus
from postready.pipeline.brand import (
    ACCOUNT_KINDS,
    EMOJI_LEVELS,
    MAX_AVOID,
    MAX_BRAND_TAGS,
    MAX_SIGNATURE,
    TONES,
)
from postready.pipeline.carousel import MAX_SET_BYTES_FACTOR
from postready.pipeline.photography import COLOURS, DEFAULT_COLOUR, STYLES
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.wording import DEFAULT_HASHTAG_LANGUAGE, HASHTAG_LANGUAGES, POST_LANGUAGES

_SESSION_STATUSES: tuple[SessionStatus, ...] = (
    "pending",
    "queued",
    "running",
    "completed",
    "failed",
    "cancelled",
)
_DESCRIPTIONS = {
    400: "The request is not a form PostReady reads",
    401: "No API key, or not a valid one",
    403: "The API key is blocked",
    404: "No such session for this key (another key's session is one)",
    408: "The upload did not arrive in time",
    409: "The session has not completed",
    413: "The upload is too large",
    415: "Not an image PostReady reads",
    422: "A field PostReady cannot use (platform, style, colour, timezone, ...)",
    429: "Too many requests, jobs in progress, or a daily quota used up (see Retry-After)",
    503: "The queue is full",
    507: "The server's disk is full",
}
_FIELD_SCHEMAS: dict[str, dict[str, Any]] = {
    "platforms": {
        "type": "string",
        "description": "Platform keys or aliases, separated by commas or spaces; "
        f"'all' or none: every platform ({', '.join(PLATFORMS)}).",
        "examples": ["instagram,pinterest"],
    },
    "description": {"type": "string", "maxLength": 2000, "description": "What the photo shows"},
    "styles": {
        "type": "string",
        "description": "Product-photography styles, separated by commas ('all': every one): "
        + ", ".join(STYLES),
    },
    "background_color": {
        "type": "string",
        "description": f"For the solid-background style: {', '.join(COLOURS)}",
        "default": DEFAULT_COLOUR,
    },
    "timezone": {"type": "string", "description": "IANA name, for posting times", "default": "UTC"},
    "language": {
        "type": "string",
        "description": "Language code: the posts are written in it (those PostReady writes: "
        + ", ".join(POST_LANGUAGES)
        + "; English for another)",
        "default": "en",
    },
    "hashtag_language": {
        "type": "string",
        "enum": list(HASHTAG_LANGUAGES),
        "description": "For posts not in English: hashtags in their language (mine), English "
        "ones, or both mixed",
        "default": DEFAULT_HASHTAG_LANGUAGE,
    },
    "webhook_url": {
        "type": "string",
        "format": "uri",
        "description": "Where the job's end is POSTed, signed with the key's webhook secret "
        "(X-PostReady-Signature: sha256=<HMAC-SHA256 of the body, hex>)",
    },
}
assert set(_FIELD_SCHEMAS) == set(FIELDS)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _problems(*statuses: int) -> dict[str, Any]:
    problem = {"application/problem+json": {"schema": _ref("Problem")}}
    language = {
        "description": "The language of detail (a language tag: de, pt-BR)",
        "schema": {"type": "string"},
    }
    return {
        str(status): {
            "description": _DESCRIPTIONS[status],
            "headers": {"Content-Language": language},
            "content": problem,
        }
        for status in statuses
    }


# The language an error's detail is written in: every operation that may refuse takes it.
_LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "The language of an error's detail: the first of these (by quality) that "
    f"PostReady speaks ({', '.join(LANGUAGES)}; de-CH counts as de, pt as pt_BR), English "
    "when none. The code and every other field stay as they are.",
}
_SESSION = [
    {"name": "session_id", "in": "path", "required": True, "schema": {"type": "string"}},
    _LANGUAGE,
]
_KEYED = (401, 403, 429)


def _brand_kit() -> dict[str, Any]:
    """The brand kit as GET /brand answers it (every field) and PUT /brand takes it (any)."""
    words = {"type": "array", "items": {"type": "string"}}
    return {
        "type": "object",
        "additionalProperties": False,
        "description": "How every post of this key reads; README 'Brand kit'",
        "properties": {
            "tone": {"enum": [*TONES, None], "description": "null: each platform's own"},
            "emoji": {"enum": [*EMOJI_LEVELS, None], "description": "null: the tone's"},
            "signature": {"type": "string", "maxLength": MAX_SIGNATURE},
            "hashtags": {**words, "maxItems": MAX_BRAND_TAGS, "description": "Brand tags"},
            "avoid": {**words, "maxItems": MAX_AVOID, "description": "Words and tags to avoid"},
            "account": {"enum": list(ACCOUNT_KINDS), "description": "The call to action"},
            "handles": {
                "type": "object",
                "propertyNames": {"enum": list(PLATFORMS)},
                "additionalProperties": {"type": "string"},
                "description": "Your own handle per platform key",
            },
        },
    }


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _schemas() -> dict[str, Any]:
    text = {"type": "string"}
    progress = {
        "type": "object",
        "required": ["stage", "done", "total", "message"],
        "properties": {
            "stage": text,
            "done": {"type": "integer"},
            "total": {"type": "integer"},
            "message": text,
        },
    }
    error = {
        "type": "object",
        "required": ["code", "message"],
        "properties": {
            "code": text,
            "message": {
                "type": "string",
                "description": "In the language Accept-Language asks for (a webhook: English)",
            },
        },
    }
    status_properties = {
        "session_id": text,
        "status": {"enum": list(_SESSION_STATUSES)},
        "platforms": {"type": "array", "items": {"enum": list(PLATFORMS)}},
        "queue_position": _nullable({"type": "integer", "minimum": 0}),
        "progress": _nullable(progress),
        "error": _nullable(error),
        "created_at": {"type": "string", "format": "date-time"},
        "started_at": _nullable({"type": "string", "format": "date-time"}),
        "completed_at": _nullable({"type": "string", "format": "date-time"}),
        "status_url": {"type": "string", "format": "uri"},
        "results_url": {"type": "string", "format": "uri"},
    }
    file_item = {
        "type": "object",
        "required": ["name", "type", "platform", "bytes", "url"],
        "properties": {
            "name": text,
            "type": {"enum": ["json", "caption", "image", "product_photo"]},
            "platform": _nullable(text),
            "bytes": _nullable({"type": "integer"}),
            "url": {"type": "string", "format": "uri"},
        },
    }
    return {
        "Problem": {
            "type": "object",
            "required": ["type", "title", "status", "detail", "code"],
            "properties": {
                "type": text,
                "title": text,
                "status": {"type": "integer"},
                "detail": {
                    "type": "string",
                    "description": "What went wrong, in the language Accept-Language asks for",
                },
                "code": {"enum": sorted(STATUSES)},
            },
        },
        "Status": {
            "type": "object",
            "required": list(status_properties),
            "properties": status_properties,
        },
        "Results": {
            "type": "object",
            "description": "The session's results.json, each file's path replaced by its URL",
            "required": [
                "session_id",
                "user_uuid",
                "timestamp",
                "source_image",
                "platforms",
                "optimization_metadata",
                "files",
            ],
            "properties": {
                "session_id": text,
                "user_uuid": text,
                "timestamp": text,
                "source_image": text,
                "platforms": {"type": "object", "propertyNames": {"enum": list(PLATFORMS)}},
                "optimization_metadata": {"type": "object"},
                "items": {
                    "type": "array",
                    "description": "A carousel's photos in order (absent for one photo); each "
                    "platform's own `items` hold its image of every photo (`processed_image`: "
                    "its URL) and its `posts` the photo numbers of each post",
                    "items": {
                        "type": "object",
                        "required": ["source_image"],
                        "properties": {"source_image": text},
                    },
                },
                "files": {"type": "array", "items": file_item},
            },
        },
        "Ended": {
            "description": "The webhook's body: the job's status, with its results when it "
            "completed",
            "allOf": [
                _ref("Status"),
                {
                    "type": "object",
                    "required": ["results"],
                    "properties": {"results": _nullable(_ref("Results"))},
                },
            ],
        },
        "Platform": {
            "type": "object",
            "required": ["key", "name", "aliases", "formats", "max_bytes", "variants"],
            "properties": {
                "key": text,
                "name": text,
                "aliases": {"type": "array", "items": text},
                "formats": {"type": "array", "items": text},
                "max_bytes": {"type": "integer"},
                "caption_limit": {"type": "integer"},
                "hashtags": {"type": "object"},
                "alt_text_limit": {"type": "integer"},
                "variants": {"type": "array", "items": {"type": "object"}},
            },
        },
        "Styles": {
            "type": "object",
            "required": ["styles", "background_colors", "default_background_color"],
            "properties": {
                "styles": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["key", "name"],
                        "properties": {"key": text, "name": text},
                    },
                },
                "background_colors": {"type": "array", "items": text},
                "default_background_color": text,
            },
        },
        "BrandKit": _brand_kit(),
        "BrandKitAnswer": {**_brand_kit(), "required": list(_brand_kit()["properties"])},
    }


def openapi_document() -> dict[str, Any]:
    keyed: list[dict[str, list[str]]] = [{"bearer": []}]
    form = {
        "type": "object",
        "required": ["image"],
        "additionalProperties": False,
        "properties": {
            "image": {
                "type": "array",
                "description": "The photo: one part. Several parts named image (in order) make "
                f"one carousel post, at most {MAX_IMAGES}; each photo is capped alone and the "
                f"set at {MAX_SET_BYTES_FACTOR} times that together.",
                "items": {"type": "string", "contentMediaType": "application/octet-stream"},
                "minItems": 1,
                "maxItems": MAX_IMAGES,
            },
            **_FIELD_SCHEMAS,
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "PostReady API",
            "version": "1",
            "description": "One photo in, ready-to-post content out. Send a photo (or several: "
            "one carousel post), follow its status, fetch its results and files.",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": _schemas(),
        },
        "paths": {
            f"{API}/optimize/image": {
                "post": {
                    "operationId": "optimizeImage",
                    "summary": "Queue a photo, or several as one carousel post",
                    "security": keyed,
                    "parameters": [_LANGUAGE],
                    "requestBody": {
                        "required": True,
                        "content": {"multipart/form-data": {"schema": form}},
                    },
                    "responses": {
                        "202": _json(_ref("Status"), "Queued: follow status_url"),
                        **_problems(*_KEYED, 408, *SUBMIT_STATUSES),
                    },
                    "callbacks": {
                        "ended": {
                            "{$request.body#/webhook_url}": {
                                "post": {
                                    "requestBody": {
                                        "content": {"application/json": {"schema": _ref("Ended")}}
                                    },
                                    "responses": {"200": {"description": "Received"}},
                                }
                            }
                        }
                    },
                }
            },
            f"{API}/optimize/status/{{session_id}}": {
                "get": {
                    "operationId": "getStatus",
                    "summary": "A session's status, progress and place in the queue",
                    "security": keyed,
                    "parameters": _SESSION,
                    "responses": {
                        "200": _json(_ref("Status"), "The session's status"),
                        **_problems(*_KEYED, 404),
                    },
                }
            },
            f"{API}/optimize/results/{{session_id}}": {
                "get": {
                    "operationId": "getResults",
                    "summary": "A completed session's results, with a URL for every file",
                    "security": keyed,
                    "parameters": _SESSION,
                    "responses": {
                        "200": _json(_ref("Results"), "The results"),
                        **_problems(*_KEYED, 404, 409),
                    },
                }
            },
            f"{API}/optimize/{{session_id}}": {
                "delete": {
                    "operationId": "cancelOrDelete",
                    "summary": "Cancel a queued or running session; delete an ended one's files",
                    "security": keyed,
                    "parameters": _SESSION,
                    "responses": {
                        "200": _json(_ref("Status"), "The session's status now"),
                        **_problems(*_KEYED, 404),
                    },
                }
            },
            f"{API}/files/{{session_id}}/{{name}}": {
                "get": {
                    "operationId": "getFile",
                    "summary": "A file of a session",
                    "security": keyed,
                    "parameters": [
                        *_SESSION,
                        {
                            "name": "name",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The file",
                            "content": {"*/*": {"schema": {}}},
                        },
                        **_problems(*_KEYED, 404),
                    },
                }
            },
            f"{API}/brand": {
                "get": {
                    "operationId": "getBrandKit",
                    "summary": "This key's brand kit, applied to every photo it sends",
                    "security": keyed,
                    "parameters": [_LANGUAGE],
                    "responses": {
                        "200": _json(_ref("BrandKitAnswer"), "The brand kit"),
                        **_problems(*_KEYED),
                    },
                },
                "put": {
                    "operationId": "setBrandKit",
                    "summary": "Set this key's brand kit ({}: none)",
                    "security": keyed,
                    "parameters": [_LANGUAGE],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("BrandKit")}},
                    },
                    "responses": {
                        "200": _json(_ref("BrandKitAnswer"), "The brand kit, as kept"),
                        **_problems(*_KEYED, 400, 422),
                    },
                },
            },
            f"{API}/platforms": {
                "get": {
                    "operationId": "listPlatforms",
                    "summary": "The platforms, their image formats and limits",
                    "security": [],
                    "responses": {
                        "200": _json({"type": "array", "items": _ref("Platform")}, "The platforms")
                    },
                }
            },
            f"{API}/styles": {
                "get": {
                    "operationId": "listStyles",
                    "summary": "The product-photography styles and background colours",
                    "security": [],
                    "responses": {"200": _json(_ref("Styles"), "The styles")},
                }
            },
            f"{API}/openapi.json": {
                "get": {
                    "operationId": "getSpec",
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1")},
                }
            },
        },
    }
