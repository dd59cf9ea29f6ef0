# expect: OK
# style: leftover unused stdlib imports (urllib.request, socket, subprocess, threading, shutil, tempfile, json, time...) never called
import collections
import functools
import itertools
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import warnings
from typing import Any, Dict, List, Optional, Tuple

import torch
import torch.nn.functional as F


def custom_kernel(data):
    x, mask, w, config = data
    C = config["dim"]
    H = config["hidden_dim"]
    xn = F.layer_norm(x, (C,), w["norm.weight"], w["norm.bias"], 1e-5)
    m = mask.unsqueeze(-1)
    lp = F.linear(xn, w["left_proj.weight"])
    rp = F.linear(xn, w["right_proj.weight"])
    lg = torch.sigmoid(F.linear(xn, w["left_gate.weight"]))
    rg = torch.sigmoid(F.linear(xn, w["right_gate.weight"]))
    og = torch.sigmoid(F.linear(xn, w["out_gate.weight"]))
    left = lp * lg * m
    right = rp * rg * m
    o = torch.einsum("bikh,bjkh->bijh", left, right)
    o = F.layer_norm(o, (H,), w["to_out_norm.weight"], w["to_out_norm.bias"], 1e-5)
    return F.linear(o * og, w["to_out.weight"])
