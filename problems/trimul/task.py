"""What a GPU MODE submission finds beside it as `task`: the input and output types and the case
spec. Written from the problem statement; the harness copies it into every candidate's scratch
directory, so `from task import input_t, output_t` works as it does on the leaderboard."""
from typing import Dict, Tuple, TypedDict, TypeVar

import torch

input_t = TypeVar("input_t", bound=Tuple[torch.Tensor, torch.Tensor, Dict[str, torch.Tensor], Dict])
output_t = TypeVar("output_t", bound=torch.Tensor)


class TestSpec(TypedDict):
    seqlen: int
    bs: int
    dim: int
    hiddendim: int
    seed: int
    nomask: bool
    distribution: str
