# expect: OK
# devices: cuda
# style: Triton LayerNorm kernel (float32 statistics) with triton.autotune over several configs keyed by shape (key=["n_rows", "n_cols"]), used for both LayerNorms
import torch
import torch.nn.functional as F
import triton
import triton.language as tl


@triton.autotune(
    configs=[
        triton.Config({"ROWS": 1}, num_warps=1),
        triton.Config({"ROWS": 1}, num_warps=4),
        triton.Config({"ROWS": 4}, num_warps=4),
        triton.Config({"ROWS": 8}, num_warps=8),
    ],
    key=["n_rows", "n_cols"],
)
@triton.jit
def _layernorm_rows(x_ptr, w_ptr, b_ptr, y_ptr, n_rows, n_cols, eps,
                    BLOCK_C: tl.constexpr, ROWS: tl.constexpr):
    pid = tl.program_id(0)
    cols = tl.arange(0, BLOCK_C)
    cmask = cols < n_cols
    w = tl.load(w_ptr + cols, mask=cmask, other=0.0)
    b = tl.load(b_ptr + cols, mask=cmask, other=0.0)
    for r in tl.static_range(ROWS):
        row = pid.to(tl.int64) * ROWS + r
        keep = cmask & (row < n_rows)
        v = tl.load(x_ptr + row * n_cols + cols, mask=keep, other=0.0).to(tl.float32)
        mean = tl.sum(v, axis=0) / n_cols
        d = tl.where(cmask, v - mean, 0.0)
        var = tl.sum(d * d, axis=0) / n_cols
        rstd = 1.0 / tl.sqrt(var + eps)
        tl.store(y_ptr + row * n_cols + cols, d * rstd * w + b, mask=keep)


def layer_norm(t, weight, bias, eps=1e-5):
    """LayerNorm over the last axis of a float32 tensor, via the autotuned Triton kernel."""
    n_cols = t.shape[-1]
    t2 = t.reshape(-1, n_cols).contiguous()
    n_rows = t2.shape[0]
    y = torch.empty_like(t2)
    grid = lambda meta: (triton.cdiv(n_rows, meta["ROWS"]),)
    _layernorm_rows[grid](t2, weight.contiguous(), bias.contiguous(), y, n_rows, n_cols, eps,
                          BLOCK_C=triton.next_power_of_2(n_cols))
    return y.view(t.shape)


def custom_kernel(data):
    x, mask, w, config = data
    H = config["hidden_dim"]
    xn = layer_norm(x, w["norm.weight"], w["norm.bias"])
    w5 = torch.cat([w["left_proj.weight"], w["left_gate.weight"], w["right_proj.weight"],
                    w["right_gate.weight"], w["out_gate.weight"]], dim=0)
    lp, lg, rp, rg, og = F.linear(xn, w5).split(H, dim=-1)
    m = mask.unsqueeze(-1)
    left = lp * torch.sigmoid(lg) * m
    right = rp * torch.sigmoid(rg) * m
    o = torch.matmul(left.permute(0, 3, 1, 2), right.permute(0, 3, 2, 1))  # [B,H,N,N]
    o = layer_norm(o.permute(0, 2, 3, 1), w["to_out_norm.weight"], w["to_out_norm.bias"])
    return F.linear(o * torch.sigmoid(og), w["to_out.weight"])
