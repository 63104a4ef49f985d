"""``coconut-bench``: time Coconut's training step and generation against baselines.

Prints one JSON object of median seconds, timed with ``torch.utils.benchmark``. What is
timed, on random weights and token ids shaped like the last curriculum stage of ProsQA
(``--prompt-len`` question tokens, ``<bot>``, ``--latents`` thoughts, ``<eot>``,
``--answer-len`` answer tokens):

- ``train_step``: Coconut forward + backward + AdamW step;
- ``plain_step``: the same step on the same tokens with no latents (one pass);
- ``plain_forward``: a forward of the base model alone on the same tokens;
- ``naive_step``: forward + backward of the recompute-everything reference;
- ``generate_batched`` / ``generate_per_example``: Coconut.generate on the whole batch,
  and one prompt at a time; ``hf_generate``: the base model's KV-cached ``generate`` on
  the same prompt ids (latents as ordinary tokens), same number of new tokens.

The speed switches of ``conf/train.yaml`` are flags here: ``--attn`` (attention kernel),
``--loss-chunk`` (the chunked loss of :mod:`coconut.model.loss`, used by ``train_step``
and ``plain_step``, which then runs the Coconut wrapper on the latent-free tokens) and
``--fused-adamw``. ``--check`` adds the largest differences from the naive reference on
the same device (``reference_gaps``); ``--profile FILE`` writes the top operators of one
``train_step`` (:mod:`coconut.bench_checks`).
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Callable

import torch
import torch.utils.benchmark as benchmark
from transformers import AutoModelForCausalLM, GPT2Config

from coconut.bench_checks import profile_step, reference_gaps
from coconut.model import Coconut
from coconut.model.reference import naive_forward
from coconut.outputs import OutputError, check_output

TIMINGS = (
    "train_step",
    "plain_step",
    "plain_forward",
    "naive_step",
    "generate_batched",
    "generate_per_example",
    "hf_generate",
)
"""What can be timed (and named by ``--skip``)."""

SHAPES = {
    "tiny": {"n_layer": 2, "n_embd": 64, "n_head": 4, "vocab_size": 1024},
    "gpt2": {"n_layer": 12, "n_embd": 768, "n_head": 12, "vocab_size": 50261},
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="coconut-bench", description=__doc__.split("\n")[0])
    parser.add_argument("--shape", choices=sorted(SHAPES), default="tiny")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--prompt-len", type=int, default=360)
    parser.add_argument("--latents", type=int, default=6)
    parser.add_argument("--answer-len", type=int, default=10)
    parser.add_argument("--new-tokens", type=int, default=16, help="tokens to generate")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip", nargs="*", default=[], help="timings to skip, e.g. naive_step")
    parser.add_argument("--attn", choices=["eager", "sdpa"], help="attention kernel")
    parser.add_argument("--loss-chunk", type=int, help="labelled positions per loss chunk")
    parser.add_argument("--fused-adamw", action="store_true", help="AdamW(fused=True)")
    parser.add_argument("--check", action="store_true", help="differences from the reference")
    parser.add_argument("--profile", metavar="FILE", help="write a profile of one train_step")
    parser.add_argument("--force", action="store_true", help="replace an existing --profile FILE")
    args = parser.parse_args(argv)
    sizes = (args.batch, args.prompt_len, args.answer_len, args.repeats, args.new_tokens)
    if min(sizes) < 1 or (args.loss_chunk is not None and args.loss_chunk < 1):
        parser.error(
            "--batch, --prompt-len, --answer-len, --repeats, --new-tokens, --loss-chunk "
            "must be >= 1"
        )
    if args.latents < 0:
        parser.error(f"--latents: must be >= 0, got {args.latents}")
    unknown = sorted(set(args.skip) - set(TIMINGS))
    if unknown:
        parser.error(f"--skip: unknown timing(s) {unknown}; the timings are {list(TIMINGS)}")
    problem = device_problem(args.device)
    if problem:
        parser.error(f"--device {args.device}: {problem}")
    if args.profile:  # the output rule of every console script (coconut.outputs)
        try:
            check_output(args.profile, overwrite=args.force, force="--force", key="--profile")
        except OutputError as err:
            parser.error(str(err))
    return args


def device_problem(device: str) -> str | None:
    """Why ``device`` cannot run the benchmark here, or ``None``."""
    try:
        parsed = torch.device(device)
    except RuntimeError:
        return "not a torch device (cpu, cuda, cuda:1, ...)"
    if parsed.type == "cuda" and not torch.cuda.is_available():
        return "no CUDA device on this machine; use --device cpu"
    if parsed.type == "cuda" and (parsed.index or 0) >= torch.cuda.device_count():
        return f"this machine has {torch.cuda.device_count()} CUDA device(s)"
    if parsed.type not in ("cpu", "cuda"):
        return "only cpu and cuda devices are timed"
    return None


def build_model(args: argparse.Namespace, length: int) -> Coconut:
    """A random GPT-2 of ``args.shape`` with ``args.attn`` and ``args.loss_chunk``."""
    vocab = SHAPES[args.shape]["vocab_size"]
    config = GPT2Config(**SHAPES[args.shape], n_positions=max(1024, length), eos_token_id=vocab - 1)
    kernel = {} if args.attn is None else {"attn_implementation": args.attn}
    base = AutoModelForCausalLM.from_config(config, **kernel).to(args.device)
    return Coconut(
        base, vocab - 3, vocab - 4, vocab - 2, eos_token_id=vocab - 1,
        loss_chunk_size=args.loss_chunk,
    )  # fmt: skip


def build_batch(model: Coconut, args: argparse.Namespace) -> dict[str, torch.Tensor]:
    """Random question/answer tokens around one aligned latent span per row."""
    low, high = 0, model.start_latent_id - 1
    question = torch.randint(low, high, (args.batch, args.prompt_len))
    span = torch.tensor(
        [model.start_latent_id] + [model.latent_token_id] * args.latents + [model.end_latent_id]
    ).expand(args.batch, -1)
    answer = torch.randint(low, high, (args.batch, args.answer_len))
    ids = torch.cat([question, span, answer], dim=1).to(args.device)
    labels = ids.clone()
    labels[:, : args.prompt_len + args.latents + 2] = -100
    prompt = ids[:, : args.prompt_len + args.latents + 2]
    return {"input_ids": ids, "labels": labels, "prompt": prompt}


def timed(fn: Callable[[], object], repeats: int, device: str) -> float:
    """Median seconds of ``fn`` over ``repeats`` runs after one warm-up run.

    Timed with ``torch.utils.benchmark.Timer`` (which synchronizes CUDA around each run),
    on as many threads as torch uses.
    """
    fn()  # warm-up: allocations, kernels, caches
    timer = benchmark.Timer(
        stmt="fn()", globals={"fn": fn}, num_threads=torch.get_num_threads(), label=device
    )
    return statistics.median(timer.timeit(1).median for _ in range(repeats))


def step_fn(model, optimizer, loss_fn, autocast) -> Callable[[], None]:
    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        with autocast():
            loss = loss_fn()
        loss.backward()
        optimizer.step()

    return step


def run(args: argparse.Namespace) -> dict:
    torch.manual_seed(0)
    total = args.prompt_len + args.latents + 2 + args.answer_len
    model = build_model(args, total + args.new_tokens)
    batch = build_batch(model, args)
    ids, labels, prompt = batch["input_ids"], batch["labels"], batch["prompt"]
    plain_ids = ids.masked_fill(ids.eq(model.latent_token_id), 5)
    base = model.base_causallm
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=args.fused_adamw or None)
    dtype = torch.bfloat16 if args.dtype == "bf16" else torch.float32
    device_type = "cuda" if args.device.startswith("cuda") else "cpu"

    def autocast():
        return torch.autocast(device_type, dtype=dtype, enabled=args.dtype == "bf16")

    def naive_loss():
        logits, _ = naive_forward(model, ids, torch.ones_like(ids))
        return torch.nn.functional.cross_entropy(
            logits[:, :-1].flatten(0, 1).float(), labels[:, 1:].flatten()
        )

    plain = model if args.loss_chunk else base  # the chunked loss lives in the wrapper
    jobs = {
        "train_step": step_fn(model, optimizer, lambda: model(ids, labels=labels).loss, autocast),
        "plain_step": step_fn(
            model, optimizer, lambda: plain(input_ids=plain_ids, labels=labels).loss, autocast
        ),
        "plain_forward": lambda: _no_grad(autocast, lambda: base(input_ids=plain_ids)),
        "naive_step": step_fn(model, optimizer, naive_loss, autocast),
    }
    results = {name: timed(fn, args.repeats, args.device) for name, fn in jobs.items()
               if name not in args.skip}  # fmt: skip
    if args.profile:
        profile_step(jobs["train_step"], args.device, args.profile)
    model.eval()
    results.update(_time_generation(model, prompt, args, autocast))
    report = {"config": vars(args) | {"seq_len": total}, "seconds": results,
              "ratios": _ratios(results)}  # fmt: skip
    if args.check:
        report["max_abs_diff_from_reference"] = reference_gaps(model, ids, labels)
    return report


def _no_grad(autocast, fn):
    with torch.no_grad(), autocast():
        return fn()


def _time_generation(model: Coconut, prompt: torch.Tensor, args, autocast) -> dict[str, float]:
    n = args.new_tokens
    mask = torch.ones_like(prompt)
    plain = prompt.masked_fill(prompt.eq(model.latent_token_id), 5)
    jobs = {
        "generate_batched": lambda: model.generate(prompt, mask, max_new_tokens=n),
        "generate_per_example": lambda: [
            model.generate(row[None], max_new_tokens=n) for row in prompt
        ],
        "hf_generate": lambda: model.base_causallm.generate(
            input_ids=plain,
            attention_mask=mask,
            max_new_tokens=n,
            min_new_tokens=n,
            do_sample=False,
            use_cache=True,
            pad_token_id=model.eos_token_id,
        ),
    }
    return {
        name: timed(lambda fn=fn: _no_grad(autocast, fn), args.repeats, args.device)
        for name, fn in jobs.items()
        if name not in args.skip
    }


def _ratios(s: dict[str, float]) -> dict[str, float]:
    pairs = {
        "train_step / plain_step": ("train_step", "plain_step"),
        "train_step / plain_forward": ("train_step", "plain_forward"),
        "naive_step / train_step": ("naive_step", "train_step"),
        "generate_per_example / generate_batched": ("generate_per_example", "generate_batched"),
        "generate_batched / hf_generate": ("generate_batched", "hf_generate"),
    }
    return {k: round(s[a] / s[b], 3) for k, (a, b) in pairs.items() if a in s and b in s}


def main(argv: list[str] | None = None) -> None:
    print(json.dumps(run(parse_args(argv)), indent=2))


if __name__ == "__main__":
    main()
