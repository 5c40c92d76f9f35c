"""What the run and fix workflows share: a table of moves, and the refusal of any other move.

Each workflow (runs/states.py, fixes/states.py) lists its moves as data, once; its move
functions ask `target` for the new state, which raises MoveRefused when the move is not allowed
from the current one. A refusal means a bug or a race, not a person's mistake: services check
what a person may do first, and say it in words.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class MoveRefused(Exception):
    """This move is not allowed from the current state."""

    def __init__(self, workflow: str, move: str, state: str | None) -> None:
        self.workflow, self.move, self.state = workflow, move, state
        super().__init__(f"{workflow}: {move!r} is not allowed from {str(state) if state else 'new'!r}")


@dataclass(frozen=True)
class Move:
    sources: tuple  # the states it may start from (None: an object not created yet)
    target: StrEnum


def target(table: Mapping[str, Move], workflow: str, move: str, state: str | None) -> StrEnum:
    """The state `move` leads to from `state`, or MoveRefused."""
    if state not in table[move].sources:
        raise MoveRefused(workflow, move, state)
    return table[move].target

