"""`bootstrap --help` against `python -c 'import typer'` in the same venv (target: ratio <= 2.5).

Usage: .venv/bin/python benchmarks/cli_help.py [--runs N] [--warmup N]
"""

from __future__ import annotations

from _common import (
    BOOTSTRAP,
    PYTHON,
    heaviest,
    import_times,
    interleaved,
    median,
    ms,
    options,
    sandbox,
    spread,
    verdict,
)

TARGET = 2.5


def main() -> None:
    args = options(__doc__.splitlines()[0], runs=30)
    commands = {
        "help": [BOOTSTRAP, "--help"],
        "import typer": [PYTHON, "-c", "import typer"],
        "python start-up": [PYTHON, "-c", "pass"],
    }
    with sandbox() as box:
        times = interleaved(box, commands, args.runs, args.warmup)
        startup = {name for name, _ in import_times(box, ["-c", "pass"])}
        helped = import_times(box, ["-m", "bootstrap", "--help"])

    help_ms, typer_ms = median(times["help"]), median(times["import typer"])
    ratio = help_ms / typer_ms
    print(
        f"help: median {ms(help_ms)}, import typer: median {ms(typer_ms)}, "
        f"ratio {ratio:.2f} (target <= {TARGET}: {verdict(ratio, TARGET)})"
    )
    for name, values in times.items():
        print(f"  {name:<16} {spread(values)}")
    print(
        f"  --help takes {ms(help_ms - typer_ms)} more than importing typer; "
        f"the target allows {ms(typer_ms * TARGET)} in all ({TARGET} x import typer)"
    )
    print("heaviest imports of `python -m bootstrap --help` (one -X importtime run, cumulative):")
    print(heaviest(helped, roots=startup))


if __name__ == "__main__":
    main()
