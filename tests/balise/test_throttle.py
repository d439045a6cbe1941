from balise.web.throttle import SignInThrottle


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_blocks_after_max_failures_then_frees_after_the_window():
    clock = Clock()
    t = SignInThrottle(max_failures=3, window_seconds=60, clock=clock)
    for _ in range(3):
        assert not t.blocked("amina", "1.2.3.4")
        t.failed("Amina", "1.2.3.4")
    assert t.blocked("amina", "1.2.3.4")
    assert not t.blocked("amina", "5.6.7.8") and not t.blocked("yusuf", "1.2.3.4")
    clock.now += 61
    assert not t.blocked("amina", "1.2.3.4")


def test_success_clears_the_count():
    t = SignInThrottle(max_failures=2, window_seconds=60, clock=Clock())
    t.failed("lea", "a")
    t.succeeded("lea", "a")
    t.failed("lea", "a")
    assert not t.blocked("lea", "a")
