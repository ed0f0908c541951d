"""Rewrite the labels of tests/gold/{s1text,heldout}-labels.json from two passes under the guideline.

    python scripts/relabel_gold.py tests/gold/relabel

The folder holds ``batch-gold.items.jsonl`` (the replies of both files with a target: ids
``FILE/TID#FLOOR``) and the two passes ``batch-gold.pass-a.tsv`` / ``-b.tsv``. Each labelled
reply gets the label both passes agree on, else null (left out of ``threadscope eval``); the
earlier single-annotator label is kept as ``label_2025`` for comparison; the file's ``about``
and ``kappa`` say so. Floors without a target (opening posts) keep their sentiment as it was.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from merge_labels import cohen_kappa, read_pass

NOTE = (" Relabelled 2026-12 under tests/gold/GUIDELINE.md: two independent passes over every reply "
        "with a target (tests/gold/relabel/); `sentiment`/`stance` hold the label both passes agree "
        "on, else null; the earlier single-annotator labels are kept in `label_2025`.")


def main() -> None:
    folder = Path(sys.argv[1])
    first, second = (read_pass(folder / f"batch-gold.pass-{name}.tsv") for name in ("a", "b"))
    for name in ("s1text-labels", "heldout-labels"):
        path = folder.parent / f"{name}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        ids = sorted(i for i in first if i.startswith(f"{name}/"))
        data["kappa"] = {task: round(cohen_kappa([first[i][n] for i in ids], [second[i][n] for i in ids]), 3)
                         for n, task in enumerate(("sentiment", "stance"))}
        for thread in data["threads"]:
            for label in thread["labels"]:
                key = next((i for i in ids if i.endswith(f"#{label['floor']}")
                            and _same_thread(i, thread["thread"])), None)
                if key is None:
                    continue
                a, b = first[key], second[key]
                label["label_2025"] = {"sentiment": label.get("sentiment"), "stance": label.get("stance")}
                label["sentiment"] = a[0] if a[0] == b[0] else None
                label["stance"] = a[1] if a[1] == b[1] else None
        if NOTE not in data["about"]:
            data["about"] += NOTE
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{path}: kappa {data['kappa']}", file=sys.stderr)


def _same_thread(item_id: str, thread_path: str) -> bool:
    tid = item_id.split("/", 1)[1].split("#")[0]
    return Path(thread_path).name.startswith(tid)


if __name__ == "__main__":
    main()
