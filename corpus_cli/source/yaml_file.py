"""Reading a YAML file a user names (corpus.yaml, --terms FILE): safely, within the size limit,
and with anything wrong in it as one `CorpusError` line naming the file."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from corpus_cli.errors import CorpusError
from corpus_cli.source.limits import read_named_text


def read_yaml(path: Path, what: str) -> Any:
    """The data of the YAML file `path` (None when it is empty); `what` says what the file should
    be, for the messages. Too large, not UTF-8, malformed YAML or nesting too deep: each is one
    `CorpusError` naming the file. A date, quoted or not, is read as the text it is written as, for
    the caller to check where it can name the key (YAML would stop at 2024-02-30 with "day is out
    of range for month", and turn a timestamp into a date without a word)."""
    import yaml  # imported here: most runs never read YAML

    text = read_named_text(path, what)
    try:
        return yaml.load(text, Loader=_loader())
    except yaml.YAMLError as error:
        problem = str(getattr(error, "problem", None) or error).splitlines()[0]
        raise CorpusError(f"{path}: invalid YAML: {problem}") from None
    except ValueError as error:  # a value its explicit tag cannot hold (!!timestamp 2024-02-30)
        raise CorpusError(f"{path}: invalid value: {error}") from None
    except RecursionError:
        raise CorpusError(f"{path}: invalid YAML: nested too deeply") from None


def written_key(path: Path, mapping: str, key: Any) -> str | None:
    """How a key that YAML read as something other than text (001_234 is the number 668) is written
    in the top-level `mapping` of the YAML file `path`, for a message that names it; None when it
    cannot be told."""
    import yaml

    try:
        root = yaml.compose(read_named_text(path, "YAML"), Loader=_loader())
    except (yaml.YAMLError, CorpusError, RecursionError):
        return None
    for name, value in root.value if isinstance(root, yaml.MappingNode) else ():
        if name.value == mapping and isinstance(value, yaml.MappingNode):
            for written, _ in value.value:
                # Only a plain key (not quoted: no style, None or "" by the parser) can be read as anything but text.
                if isinstance(written, yaml.ScalarNode) and not written.style and _read_alone(written.value) == key:
                    return str(written.value)
    return None


def _read_alone(text: str) -> Any:
    """What YAML reads a plain scalar as, on its own; None when it reads nothing."""
    import yaml

    try:
        return yaml.load(text, Loader=_loader())
    except yaml.YAMLError:
        return None


@functools.cache
def _loader() -> type:
    """libyaml's safe loader where PyYAML was built with it (as safe, and 40,000 entries load in a
    second instead of 11), with no implicit timestamps: a date stays the text it is written as."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    resolvers = {
        first: [(tag, pattern) for tag, pattern in candidates if tag != "tag:yaml.org,2002:timestamp"]
        for first, candidates in base.yaml_implicit_resolvers.items()
    }
    return type("DatesAsTextLoader", (base,), {"yaml_implicit_resolvers": resolvers})
