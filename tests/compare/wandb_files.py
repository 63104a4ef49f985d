"""Writing offline W&B run folders for tests, in the framing W&B's transaction log uses."""

from __future__ import annotations

import json
import struct
from pathlib import Path

from coconut.compare.wandb_offline import BLOCK, FIRST, FULL, HEADER_LEN, LAST, MIDDLE


def frame(payloads: list[bytes]) -> bytes:
    """A ``.wandb`` file holding ``payloads`` (split across 32 KiB blocks as needed)."""
    out = bytearray(b":W&B" + b"\xe1\xbe" + b"\x00")
    assert len(out) == HEADER_LEN
    for payload in payloads:
        rest, first = payload, True
        while True:
            left = BLOCK - len(out) % BLOCK
            if left < 7:
                out += b"\x00" * left
                continue
            room = left - 7
            chunk, rest = rest[:room], rest[room:]
            if first and not rest:
                kind = FULL
            elif first:
                kind = FIRST
            elif rest:
                kind = MIDDLE
            else:
                kind = LAST
            out += b"\x00\x00\x00\x00" + struct.pack("<HB", len(chunk), kind) + chunk
            first = False
            if not rest:
                break
    return bytes(out)


def offline_run(
    folder: Path,
    config: dict,
    history: list[dict],
    summary: dict,
    name: str = "run",
    run_id: str = "abc123",
    pad: int = 0,
) -> Path:
    """Writes ``folder/run-<id>.wandb`` with a run record, history steps and a summary.

    ``pad`` adds a long string to the config so that records span several blocks.
    """
    from wandb.proto import wandb_internal_pb2 as pb

    records = []
    run = pb.Record()
    run.run.run_id, run.run.display_name, run.run.run_group = run_id, name, "g"
    run.run.tags.extend(["t"])
    if pad:
        config = {**config, "padding": "x" * pad}
    for key, value in config.items():
        item = run.run.config.update.add()
        item.key, item.value_json = key, json.dumps(value)
    records.append(run.SerializeToString())
    for step in history:
        rec = pb.Record()
        for key, value in step.items():
            item = rec.history.item.add()
            item.key, item.value_json = key, json.dumps(value)
        records.append(rec.SerializeToString())
    rec = pb.Record()
    for key, value in summary.items():
        item = rec.summary.update.add()
        item.key, item.value_json = key, json.dumps(value)
    records.append(rec.SerializeToString())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"run-{run_id}.wandb").write_bytes(frame(records))
    return folder
