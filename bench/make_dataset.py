"""Build the 10-year dataset into a folder and say how long it took and what it holds.

    python -m bench.make_dataset FOLDER [--children N] [--concerns N] [--decisions N]

The dataset is ``bench.dataset.build_dataset`` (deterministic, fixed seed, every change through the
core's services): by default 2,000 children, 50,000 concerns and 10,000 information-sharing
decisions, with their carers, contacts, consents and audit entries. ``FOLDER`` must not hold a
vault yet. Beside the vault's own files it writes ``dataset-info.json`` (the accounts, the chosen
child, the clock's end), so a benchmark can reuse the folder instead of building it again
(``python -m bench.ui_session --dataset FOLDER``). Sign in with ``Vault.open(FOLDER,
keyring=DeviceKeyring(None), clock=ManualClock(end))``: the slots use the minimal Argon2id
parameters.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.dataset import CALLS as SERVICE_CALLS
from bench.dataset import CONSENT_CALLS, SAME_NAME, DatasetInfo, build_dataset
from bench.records import print_progress

INFO_FILE = "dataset-info.json"


def save_info(info: DatasetInfo) -> Path:
    """``info`` as JSON in the dataset's folder (paths and moments as text)."""
    data = asdict(info)
    data["folder"] = str(info.folder)
    data["start"], data["end"] = info.start.isoformat(), info.end.isoformat()
    path = info.folder / INFO_FILE
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def load_info(folder: Path) -> DatasetInfo:
    """The ``DatasetInfo`` that ``save_info`` wrote for the dataset in ``folder``."""
    data: dict[str, Any] = json.loads((folder / INFO_FILE).read_text(encoding="utf-8"))
    data["folder"] = Path(folder)
    data["start"], data["end"] = datetime.fromisoformat(data["start"]), datetime.fromisoformat(data["end"])
    for key in ("manager", "dsl", "key_worker"):
        data[key] = tuple(data[key])
    return DatasetInfo(**data)


def summary_lines(info: DatasetInfo) -> list[str]:
    """How long the build took and what the vault holds, one fact a line."""
    counts = dict(info.counts)
    # Counted as the records report counts them (bench/records.py): changes to records only.
    not_changes = ("on roll at the end", "audit entries", "concern authors", SAME_NAME)
    changes = sum(n for name, n in counts.items() if name not in not_changes)
    lines = [
        f"Built the 10-year dataset (version {info.version}, seed {info.seed}) in {info.folder}",
        f"  in {info.build_seconds:.1f} s ({changes:,} changes to children and concerns, "
        f"{info.sharing.get(SERVICE_CALLS, 0):,} sharing service calls, "
        f"{info.consents.get(CONSENT_CALLS, 0):,} consent changes)",
        "  phases: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in info.phase_seconds.items()),
        f"  {info.start:%d %B %Y} to {info.end:%d %B %Y}; database {info.database_bytes / 2**20:.0f} MiB",
        "  records: " + ", ".join(f"{name} {n:,}" for name, n in sorted(counts.items())),
    ]
    if info.sharing:
        lines.append("  sharing: " + ", ".join(f"{name} {n:,}" for name, n in sorted(info.sharing.items())))
    if info.consents:
        lines.append("  consents: " + ", ".join(f"{name} {n:,}" for name, n in sorted(info.consents.items())))
    lines += [
        f"  the child with {info.chosen_entries} chronology entries: id {info.chosen_child}",
        f"  accounts: manager {info.manager[0]}, DSL {info.dsl[0]}, key worker {info.key_worker[0]}",
    ]
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.make_dataset", description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="where to create the vault (must not hold one)")
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--concerns", type=int, default=50000)
    parser.add_argument("--decisions", type=int, default=None, help="five a child unless given")
    args = parser.parse_args(argv)
    info = build_dataset(
        args.folder,
        children=args.children,
        concerns=args.concerns,
        decisions=args.decisions,
        progress=print_progress,
    )
    save_info(info)
    print("\n".join(summary_lines(info)))


if __name__ == "__main__":
    main()
