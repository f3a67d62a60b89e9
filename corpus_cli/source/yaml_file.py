"""Reading a YAML file a user names (corpus.yaml, --terms FILE): safely, within the size limit,
and with anything wrong in it as one `CorpusError` line naming the file.

A key is the text it is written as: YAML 1.1 reads ``001_234`` as the number 668, ``ON`` and ``no``
as true and false, and ``~`` as null, where a user names a document or a term family. A key given
twice in one mapping is an error (YAML would keep the last without a word)."""

from __future__ import annotations

import functools
from collections.abc import Hashable
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


@functools.cache
def _loader() -> type:
    """libyaml's safe loader where PyYAML was built with it (as safe, and 40,000 entries load in a
    second instead of 11), with no implicit timestamps (a date stays the text it is written as),
    and mappings read by `_mapping`."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    resolvers = {
        first: [(tag, pattern) for tag, pattern in candidates if tag != "tag:yaml.org,2002:timestamp"]
        for first, candidates in base.yaml_implicit_resolvers.items()
    }
    return type("UserFileLoader", (base,), {"yaml_implicit_resolvers": resolvers, "construct_mapping": _mapping})


MERGE_TAG = "tag:yaml.org,2002:merge"


def _mapping(loader: Any, node: Any, deep: bool = False) -> dict[Any, Any]:
    """A mapping whose keys written as scalars are the text written, any key given twice an error
    (a key from a merge, ``<<: *anchor``, is overridden as YAML says)."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        raise yaml.constructor.ConstructorError(None, None, f"expected a mapping, found {node.id}", node.start_mark)
    lines: dict[str, int] = {}
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag != MERGE_TAG:
            line = key_node.start_mark.line + 1
            if key_node.value in lines:
                problem = f"the key {key_node.value!r} is given twice (lines {lines[key_node.value]} and {line})"
                raise yaml.constructor.ConstructorError(None, None, problem, key_node.start_mark)
            lines[key_node.value] = line
    loader.flatten_mapping(node)
    mapping = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else loader.construct_object(key_node, deep=deep)
        if not isinstance(key, Hashable):
            kind = {"sequence": "a list", "mapping": "a mapping"}.get(key_node.id, key_node.id)
            raise yaml.constructor.ConstructorError(None, None, f"a key is text, not {kind}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping
