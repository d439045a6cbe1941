"""The server's ring wakes an idle grading worker at once, and is never lost while it listens."""

import threading
import time

from balise.grading.doorbell import Doorbell, bell_path, ring


def test_a_ring_wakes_the_waiting_worker_at_once(tmp_path):
    bell = Doorbell(tmp_path)
    assert bell.open()
    threading.Timer(0.2, ring, args=(tmp_path,)).start()
    t0 = time.monotonic()
    assert bell.wait(5) is True
    assert time.monotonic() - t0 < 1
    bell.close()


def test_a_ring_between_look_and_wait_is_not_lost_and_counts_once(tmp_path):
    bell = Doorbell(tmp_path)
    bell.open()
    for _ in range(3):
        ring(tmp_path)              # before the worker waits: kept in the pipe
    assert bell.wait(0) is True
    assert bell.wait(0.05) is False     # emptied: the next wait sleeps
    bell.close()


def test_ringing_with_nobody_listening_neither_blocks_nor_fails(tmp_path):
    ring(tmp_path)                  # no worker ever ran here
    bell = Doorbell(tmp_path)
    bell.open()
    bell.close()
    t0 = time.monotonic()
    ring(tmp_path)                  # a FIFO without a reader
    assert time.monotonic() - t0 < 0.5


def test_a_plain_file_in_its_place_is_replaced(tmp_path):
    bell_path(tmp_path).write_text("not a pipe")
    bell = Doorbell(tmp_path)
    assert bell.open()
    ring(tmp_path)
    assert bell.wait(1) is True
    bell.close()
