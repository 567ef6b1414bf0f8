"""A key's brand kit through the HTTP API: set and read with PUT/GET /brand, refused in one
problem when it cannot be used, and applied to every photo the key sends."""

from __future__ import annotations

from typing import Any

from postready.core.api_keys import issue_key
from postready.core.storage import Storage
from tests.adapters.api.conftest import API, Api

KIT = {
    "tone": "minimal",
    "signature": "Shop at hearthclay.example",
    "hashtags": ["#HearthClay"],
    "avoid": ["terracotta"],
    "account": "shop",
    "handles": {"instagram": "@hearthclay"},
}


async def put(api: Api, body: Any, token: str | None = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token or api.token}"}
    async with api.client.put(f"{API}/brand", json=body, headers=headers) as response:
        return response.status, await response.json(content_type=None)


async def test_a_keys_brand_kit_is_set_read_and_applied(api: Api, store: Storage) -> None:
    status, empty = await api.get(f"{API}/brand")
    assert status == 200 and empty["tone"] is None and empty["hashtags"] == []
    status, kept = await put(api, KIT)
    assert status == 200 and kept["hashtags"] == ["hearthclay"] and kept["emoji"] is None
    assert (await api.get(f"{API}/brand"))[1] == kept
    other = await issue_key(store, "another shop")  # each key is a user: its own kit
    assert (await api.get(f"{API}/brand", other.token))[1]["tone"] is None

    status, problem = await put(api, {"tone": "grumpy"})
    assert status == 422 and problem["code"] == "INVALID_OPTION"
    assert "tone must be one of" in problem["detail"]
    async with api.client.put(f"{API}/brand", data=b"tone", headers=api.auth) as response:
        assert response.status == 400
    assert (await api.get(f"{API}/brand"))[1] == kept  # unchanged by the refusals

    _, queued = await api.submit(platforms="instagram", description="handmade ceramic mug")
    async with api.working():
        assert (await api.ended_status(queued["session_id"]))["status"] == "completed"
    _, results = await api.get(f"{API}/optimize/results/{queued['session_id']}")
    assert results["brand"]["kit"] == kept
    instagram = results["platforms"]["instagram"]
    assert instagram["caption"].endswith("Shop at hearthclay.example")
    assert instagram["hashtag_list"][0] == "hearthclay"
    assert instagram["profile_results"]["extracted_usernames"][0] == "@hearthclay"

    status, _ = await put(api, {})  # none again
    assert (await api.get(f"{API}/brand"))[1]["signature"] == ""
