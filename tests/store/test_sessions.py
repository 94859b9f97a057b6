from talkline.agent.history import Message
from talkline.store import Store


async def test_a_session_carries_turns_in_order_and_a_turn_is_written_once(store: Store) -> None:
    history = store.sessions
    assert await history.load("alice", "s1", exclude_turn="job_a") == []
    await history.append("alice", "s1", turn_id="job_a", profile="eco",
                         messages=[Message("user", "plastic bottle?"), Message("assistant", "Rinse it.")])
    await history.append("alice", "s1", turn_id="job_a", profile="eco",  # a redelivered job: no duplicate
                         messages=[Message("user", "plastic bottle?"), Message("assistant", "Rinse it.")])
    await history.append("alice", "s1", turn_id="job_b", profile="eco",
                         messages=[Message("user", "and the cap?"), Message("assistant", "Keep it on.")])
    assert await history.load("alice", "s1", exclude_turn="job_c") == [
        Message("user", "plastic bottle?"), Message("assistant", "Rinse it."),
        Message("user", "and the cap?"), Message("assistant", "Keep it on.")]
    # a retried job answers from the history before its own turn
    assert await history.load("alice", "s1", exclude_turn="job_b") == [
        Message("user", "plastic bottle?"), Message("assistant", "Rinse it.")]


async def test_sessions_belong_to_their_owner(store: Store) -> None:
    await store.sessions.append("alice", "shared-id", turn_id="job_1", profile="eco",
                                messages=[Message("user", "secret question")])
    assert await store.sessions.load("mallory", "shared-id", exclude_turn="x") == []
