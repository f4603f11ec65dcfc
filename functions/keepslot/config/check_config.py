"""`python -m keepslot.config.check_config keepslot.yaml`: fail fast, naming the key."""

from __future__ import annotations

import sys

from keepslot.config.model import ConfigError, load_config


def main(argv: list[str]) -> int:
    path = argv[1] if len(argv) > 1 else "keepslot.yaml"
    try:
        config = load_config(path)
    except ConfigError as e:
        print(f"keepslot: {e}", file=sys.stderr)
        return 2
    print(f"keepslot: {path} is valid (policy version {config.policy_version})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
