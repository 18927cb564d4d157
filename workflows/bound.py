"""What each group of a claim's steps works with: its input and state, the recorder, the board."""

from __future__ import annotations

from contracts import ClaimState, ClaimWorkflowInput
from workflows.recording import Recorder
from workflows.status import StatusBoard


class BoundToClaim:
    """A group of steps (assessment, payment) bound to one claim's run."""

    def __init__(
        self, input: ClaimWorkflowInput, claim: ClaimState, recorder: Recorder, board: StatusBoard
    ) -> None:
        self._input = input
        self._claim = claim
        self._recorder = recorder
        self._board = board
