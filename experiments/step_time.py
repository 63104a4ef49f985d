"""Seconds per training step of a plain 2-layer GPT-2 on CPU, fp32 or bf16 autocast.

The figures of experiments/superposition.md ("Measured before the runs"):

    OMP_NUM_THREADS=1 python experiments/step_time.py 128 64 fp32
    OMP_NUM_THREADS=1 python experiments/step_time.py 256 64 fp32
    OMP_NUM_THREADS=1 python experiments/step_time.py 256 64 bf16
    OMP_NUM_THREADS=1 python experiments/step_time.py 512 64 bf16

Arguments: width, batch, dtype. Sequences are 130 random tokens of an 80-token vocabulary
(the length of a published-size symbolic ProsQA example); 2 warm-up steps, 5 timed.
"""

from __future__ import annotations

import sys
import time

import torch
from transformers import GPT2Config, GPT2LMHeadModel

LENGTH, VOCAB, TIMED = 130, 80, 5


def main(width: int, batch: int, dtype: str) -> float:
    torch.manual_seed(0)
    config = GPT2Config(n_layer=2, n_head=8, n_embd=width, n_positions=256, vocab_size=VOCAB,
                        resid_pdrop=0, embd_pdrop=0, attn_pdrop=0)  # fmt: skip
    model = GPT2LMHeadModel(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    tokens = torch.randint(0, VOCAB, (batch, LENGTH))

    def step() -> None:
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=dtype == "bf16"):
            loss = model(input_ids=tokens, labels=tokens).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

    for _ in range(2):
        step()
    start = time.perf_counter()
    for _ in range(TIMED):
        step()
    seconds = (time.perf_counter() - start) / TIMED
    print(f"width {width} batch {batch} {dtype}: {seconds:.3f} s/step "
          f"({torch.get_num_threads()} thread(s))")  # fmt: skip
    return seconds


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
