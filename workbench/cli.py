"""Command line: ``workbench run | check | sample-data | data-dictionary``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import WorkbenchError

EXIT_OK, EXIT_FAILED_NOTEBOOK, EXIT_BAD_INPUT = 0, 1, 2


def _cmd_run(args: argparse.Namespace) -> int:
    from .suite import run_cycle

    only = [item for chunk in (args.only or []) for item in chunk.split(",") if item]
    result = run_cycle(args.cycle, config_path=args.config, only=only or None, force=args.force,
                       runs_dir=Path(args.runs_dir) if args.runs_dir else None,
                       progress=lambda line: print(line, flush=True))
    failed = [n for n in result.notebooks if n.status != "ok"]
    for run in failed:
        err = run.error or {}
        cell = f" (cell {err['cell']})" if err.get("cell") else ""
        print(f"\n{run.name} {run.status}{cell}: {err.get('ename')}: {err.get('evalue')}", file=sys.stderr)
        if run.status == "failed":
            print(f"  partially executed notebook kept at {result.path / run.name / (run.name + '.ipynb')}",
                  file=sys.stderr)
    print(f"\nCycle index: {result.path / 'index.html'}")
    return EXIT_OK if not failed else EXIT_FAILED_NOTEBOOK


def _cmd_check(args: argparse.Namespace) -> int:
    from .checks import checks_table, validate_inputs
    from .config import load_cycle_config
    from .suite.runner import project_root

    config = load_cycle_config(args.config)
    values = dict(config.parameters)
    for overrides in config.notebooks.values():
        values.update(overrides)
    checks = validate_inputs(values, root=project_root())
    print(checks_table(checks).to_string(index=False))
    print("\nAll inputs meet their contracts.")
    return EXIT_OK


def _cmd_sample(args: argparse.Namespace) -> int:
    from .sample import write_sample

    for path in write_sample(args.out, seed=args.seed):
        print(path)
    return EXIT_OK


def _cmd_dictionary(args: argparse.Namespace) -> int:
    from .datadict import data_dictionary

    text = data_dictionary()
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(args.out)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from .sample import DEFAULT_SEED

    parser = argparse.ArgumentParser(prog="workbench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="execute the notebook suite for one cycle into runs/<cycle>/")
    run.add_argument("--cycle", required=True, help="cycle name, e.g. 2026-q4-pilot (letters, digits, . _ -)")
    run.add_argument("--config", help="cycle config YAML (see templates/cycle.yaml); default: notebook defaults")
    run.add_argument("--only", action="append", metavar="NOTEBOOK",
                     help="run only these notebooks (name or number, e.g. 01 or 01_churn_survival; repeat or comma-separate)")
    run.add_argument("--force", action="store_true", help="replace an existing cycle of the same name")
    run.add_argument("--runs-dir", help="where cycles are written (default: runs/ in the project folder)")
    run.set_defaults(func=_cmd_run)

    check = sub.add_parser("check", help="validate a cycle's inputs against their contracts, without running")
    check.add_argument("--config", required=True, help="cycle config YAML")
    check.set_defaults(func=_cmd_check)

    sample = sub.add_parser("sample-data", help="regenerate the bundled sample data (bit-identical for a seed)")
    sample.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    sample.add_argument("--out", default="data/sample", help="output folder (default data/sample)")
    sample.set_defaults(func=_cmd_sample)

    dictionary = sub.add_parser("data-dictionary", help="write the data dictionary generated from the schemas")
    dictionary.add_argument("--out", default="data/README.md", help="output file, or - for stdout")
    dictionary.set_defaults(func=_cmd_dictionary)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except WorkbenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:  # a folder that cannot be written, a full disk: say which path, no traceback
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"error: {exc.strerror or exc}{where}. Check the path and its permissions.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
