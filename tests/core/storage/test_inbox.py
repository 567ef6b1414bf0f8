"""The inbox table: an update kept once, its status messages, handled, and forgotten later."""

from __future__ import annotations

from postready.core.storage import Storage

PAYLOAD = {"user_id": "1", "chat_id": "1", "text": "/optimize x"}


async def test_an_update_is_kept_once_until_it_is_handled(store: Storage) -> None:
    kept = await store.inbox.receive("telegram", "10", "message", PAYLOAD)
    assert kept is not None and kept.payload == PAYLOAD and kept.acks == {}
    assert await store.inbox.receive("telegram", "10", "message", PAYLOAD) is None
    # Another chat's update with the same number is another update.
    other = await store.inbox.receive("discord", "10", "message", PAYLOAD)
    assert other is not None
    await store.inbox.acknowledge(kept.id, 0, "501")
    await store.inbox.acknowledge(kept.id, 2, "503")
    (waiting,) = await store.inbox.unhandled("telegram")
    assert waiting.acks == {0: "501", 2: "503"}
    await store.inbox.handled([kept.id])
    assert await store.inbox.unhandled("telegram") == []
    assert await store.inbox.receive("telegram", "10", "message", PAYLOAD) is None


async def test_handled_updates_are_forgotten_after_a_while(store: Storage, clock) -> None:
    old = await store.inbox.receive("telegram", "1", "action", PAYLOAD)
    waiting = await store.inbox.receive("telegram", "2", "message", PAYLOAD)
    assert old is not None and waiting is not None
    await store.inbox.handled([old.id])
    clock.advance(3600)
    assert await store.inbox.prune(7200) == 0
    clock.advance(7200)
    assert await store.inbox.prune(7200) == 1  # never one still waiting
    assert [e.update_key for e in await store.inbox.unhandled("telegram")] == ["2"]
    assert await store.inbox.receive("telegram", "1", "action", PAYLOAD) is not None
