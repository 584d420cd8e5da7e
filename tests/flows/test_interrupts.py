"""Ctrl-C is obeyed at the next check even when the code it interrupted swallowed it."""

from __future__ import annotations

import os
import signal
import time

import pytest

from flows import interrupts


def _swallowing_sigint() -> None:
    """Code that, like a retrying task engine, catches what the signal raised."""
    try:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)  # the handler runs here, in this (the main) thread
    except KeyboardInterrupt:
        pass


def test_a_swallowed_ctrl_c_is_raised_at_the_next_check() -> None:
    with interrupts.obeyed():
        interrupts.check()  # nothing pressed yet
        _swallowing_sigint()
        assert interrupts.requested()
        with pytest.raises(KeyboardInterrupt):
            interrupts.check()


def test_the_previous_handler_and_a_clear_flag_come_back() -> None:
    before = signal.getsignal(signal.SIGINT)
    with interrupts.obeyed():
        _swallowing_sigint()
    assert signal.getsignal(signal.SIGINT) is before
    assert not interrupts.requested()
    with interrupts.obeyed():
        interrupts.check()  # an earlier run's Ctrl-C does not stop the next one
