"""`python -m gdindex.cli`: the console script `gdindex`."""

from gdindex.cli.app import main

if __name__ == "__main__":  # pragma: no cover
    main()
