"""The audio jitter buffer: a packet next in order is decoded at once; a late one waits its turn; a lost
one is given up when the buffer is full."""

from __future__ import annotations

from aiortc.rtp import RtpPacket

from talkline.realtime.webrtc.jitter import CAPACITY, AudioJitterBuffer


def _packet(sequence: int) -> RtpPacket:
    packet = RtpPacket(payload_type=111, sequence_number=sequence, timestamp=960 * sequence, payload=bytes([sequence]))
    packet._data = packet.payload  # the receiver depayloads before buffering  # noqa: SLF001
    return packet


def _released(buffer: AudioJitterBuffer, sequence: int) -> int | None:
    frame = buffer.add(_packet(sequence))[1]
    return None if frame is None else frame.data[0]


def test_in_order_packets_are_released_at_once() -> None:
    buffer = AudioJitterBuffer()
    assert [_released(buffer, n) for n in range(10, 16)] == list(range(10, 16))


def test_a_reordered_packet_waits_and_order_is_kept() -> None:
    buffer = AudioJitterBuffer()
    assert _released(buffer, 1) == 1
    assert _released(buffer, 3) is None  # 2 is late
    assert _released(buffer, 2) == 2
    assert _released(buffer, 4) == 3


def test_a_lost_packet_is_given_up_when_the_buffer_is_full() -> None:
    buffer = AudioJitterBuffer()
    assert _released(buffer, 1) == 1
    released = [_released(buffer, n) for n in range(3, 3 + CAPACITY)]  # 2 never comes
    assert released[:CAPACITY - 1] == [None] * (CAPACITY - 1)
    assert released[-1] == 3
