"""CLI: ``python -m flux_server.build_data DIR [--force]`` builds the sample repositories."""

import argparse
import sys
import time

from . import data


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir")
    parser.add_argument("--force", action="store_true", help="rebuild even if already built")
    args = parser.parse_args(argv)
    start = time.monotonic()
    manifest = data.build(args.data_dir, force=args.force)
    repos = [f"{org}/{repo}" for org, o in manifest["orgs"].items() for repo in o["repos"]]
    print(f"data in {args.data_dir}: {', '.join(repos)} ({time.monotonic() - start:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
