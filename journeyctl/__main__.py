"""The process's entry point: `python -m journeyctl` and the `journeyctl` command."""

import gc


def main() -> None:
    """Start the CLI (journeyctl.cli.main) and exit with its code.

    Importing the commands makes many objects that live until exit and no garbage, so the
    collector is off while they load, and what they made is frozen out of later collections.
    """
    gc.disable()
    from journeyctl.cli import main as run_cli

    gc.freeze()
    gc.enable()
    run_cli()


if __name__ == "__main__":
    main()
