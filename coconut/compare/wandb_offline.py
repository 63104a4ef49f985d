"""Reading an offline W&B run folder (``offline-run-*/run-<id>.wandb``) without a network.

The ``.wandb`` file is W&B's transaction log: a 7-byte header (``":W&B"``, a 2-byte magic,
a version byte) then LevelDB-style log records in 32 KiB blocks (4-byte checksum, 2-byte
little-endian length, 1-byte type: full, first, middle, last), each a protobuf
``wandb.proto.wandb_internal_pb2.Record``. Recent ``wandb`` releases no longer ship a
Python reader for it, so the framing is decoded here; the records themselves are parsed
with ``wandb``'s own protobuf classes. Checksums are not verified (a truncated or
corrupt file fails with ``ValueError``).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HEADER = b":W&B"
HEADER_LEN = 7
BLOCK = 32 * 1024
FULL, FIRST, MIDDLE, LAST = 1, 2, 3, 4


@dataclass
class OfflineRun:
    """What an offline run logged.

    Attributes:
        path: the run folder.
        run_id: W&B's run id.
        name: the display name.
        group: the run group.
        tags: its tags.
        config: the logged config (hyperparameters), nested keys as logged.
        summary: the last value of every metric.
        history: every ``log`` call's metrics, in order.
    """

    path: Path
    run_id: str = ""
    name: str = ""
    group: str = ""
    tags: list[str] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)


def iter_payloads(path: Path) -> Iterator[bytes]:
    """The payloads of the LevelDB-framed records of a ``.wandb`` file.

    Raises:
        ValueError: if the header is wrong or a record is cut short.
    """
    data = path.read_bytes()
    if not data.startswith(HEADER) or len(data) < HEADER_LEN:
        raise ValueError(f"{path}: not a W&B transaction log (no ':W&B' header)")
    pos, pending = HEADER_LEN, b""
    while pos + 7 <= len(data):
        left = BLOCK - pos % BLOCK
        if left < 7:  # a block's tail too short for a record header is padding
            pos += left
            continue
        length, kind = struct.unpack_from("<HB", data, pos + 4)
        if length == 0 and kind == 0:  # zero padding at the end of a block
            pos += left
            continue
        payload = data[pos + 7 : pos + 7 + length]
        if len(payload) != length:
            raise ValueError(f"{path}: record at byte {pos} is cut short")
        pos += 7 + length
        if kind == FULL:
            yield payload
        elif kind == FIRST:
            pending = payload
        elif kind == MIDDLE:
            pending += payload
        elif kind == LAST:
            yield pending + payload
            pending = b""
        else:
            raise ValueError(f"{path}: unknown record type {kind} at byte {pos - 7 - length}")


def _items(updates) -> dict[str, Any]:
    out = {}
    for item in updates:
        key = item.key or "/".join(item.nested_key)
        try:
            out[key] = json.loads(item.value_json)
        except json.JSONDecodeError:
            out[key] = item.value_json
    return out


def find_log(folder: Path) -> Path:
    """The ``run-*.wandb`` file of an offline run folder.

    Raises:
        FileNotFoundError: naming the folder.
    """
    logs = sorted(folder.glob("run-*.wandb"))
    if not logs:
        raise FileNotFoundError(f"{folder}: no run-*.wandb file (not a W&B run folder)")
    return logs[0]


def read_offline_run(folder: str | Path) -> OfflineRun:
    """Reads an offline run folder (``.../wandb/offline-run-<date>-<id>``).

    Raises:
        FileNotFoundError: if the folder holds no ``run-*.wandb`` log.
        ValueError: if the log is not a W&B transaction log or is cut short.
    """
    from wandb.proto import wandb_internal_pb2 as pb

    folder = Path(folder)
    run = OfflineRun(folder)
    for payload in iter_payloads(find_log(folder)):
        record = pb.Record()
        record.ParseFromString(payload)
        kind = record.WhichOneof("record_type")
        if kind == "run":
            run.run_id = record.run.run_id
            run.name = record.run.display_name
            run.group = record.run.run_group
            run.tags = list(record.run.tags)
            run.config.update(_items(record.run.config.update))
        elif kind == "config":
            run.config.update(_items(record.config.update))
        elif kind == "history":
            step = _items(record.history.item)
            run.history.append(step)
            run.summary.update({k: v for k, v in step.items() if not k.startswith("_")})
        elif kind == "summary":
            run.summary.update(_items(record.summary.update))
    return run
