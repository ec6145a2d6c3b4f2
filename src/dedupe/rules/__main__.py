"""``python -m dedupe.rules --markdown``: print ``docs/algorithm.md``; ``--list``: the rule table."""

from __future__ import annotations

import argparse
import sys

from . import RULES, rules_hash


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dedupe.rules", description=__doc__)
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--markdown", action="store_true", help="print the algorithm page (docs/algorithm.md)")
    what.add_argument("--list", action="store_true", help="print the rules in precedence order")
    args = ap.parse_args(argv)
    if args.markdown:
        from .doc import markdown

        sys.stdout.write(markdown())
    else:
        for i, rule in enumerate(RULES, 1):
            print(f"{i:>3} {rule.name:<32} {rule.reason:<32} {rule.max_words}")
        print(f"table sha256 {rules_hash()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
