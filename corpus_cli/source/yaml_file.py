"""Reading a YAML file a user names (corpus.yaml, --terms FILE): safely, within the size limit,
and with anything wrong in it as one `CorpusError` line naming the file.

A key is the text it is written as: YAML 1.1 reads ``001_234`` as the number 668, ``ON`` and ``no``
as true and false, and ``~`` as null, where a user names a document or a term family. A plain
value is the text written too, or null (see `AS_TEXT`). A key given twice in one mapping is an
error (YAML would keep the last without a word)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from corpus_cli.errors import CorpusError
from corpus_cli.source.limits import read_named_text


def read_yaml(path: Path, what: str) -> Any:
    """The data of the YAML file `path` (None when it is empty); `what` says what the file should
    be, for the messages. Too large, not UTF-8, malformed YAML or nesting too deep: each is one
    `CorpusError` naming the file."""
    return parse_yaml(read_named_text(path, what), path)


def parse_yaml(text: str, path: Path) -> Any:
    """The data of `text`, read from the YAML file `path` (named by the messages). A date, quoted
    or not, is read as the text it is written as, for the caller to check where it can name the
    key (YAML would stop at 2024-02-30 with "day is out of range for month", and turn a timestamp
    into a date without a word)."""
    import yaml  # imported here: most runs never read YAML

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
    """libyaml's safe loader where PyYAML was built with it (as safe, and faster, though a large
    corpus.yaml is still slow: see source/config_cache.py), whose plain scalars are the text
    written or null (`AS_TEXT`), and mappings read by `_mapping`."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    resolvers = {
        first: [(tag, pattern) for tag, pattern in candidates if tag not in AS_TEXT]
        for first, candidates in base.yaml_implicit_resolvers.items()
    }
    methods = {"construct_mapping": _mapping, "flatten_mapping": functools.partialmethod(_flattened, base.flatten_mapping)}
    return type("UserFileLoader", (base,), {"yaml_implicit_resolvers": resolvers, **methods})


# YAML 1.1's implicit types that a user's file does not get: a plain scalar that looks like one of
# them is the text written. Every value a user writes is text (a title, a date, a family's member)
# but max_document_mb, which reads its number from the text. YAML 1.1 would make 0x1F the number
# 31, 3.50 the number 3.5, 12:30 the number 750, yes and off true and false, and 2024-01-01 a date
# (a date is checked where the key can be named: 2024-02-30 would stop YAML with "day is out of
# range for month"). An explicit tag (!!int 5) still makes what it says.
AS_TEXT = {f"tag:yaml.org,2002:{name}" for name in ("bool", "int", "float", "timestamp")}

# A scalar key with one of these tags, implicit or written, is the text written; another tag
# (!!binary, !!python/...) is constructed, or refused, as YAML says.
AS_WRITTEN = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null")}


def _mapping(loader: Any, node: Any, deep: bool = False) -> dict[Any, Any]:
    """A mapping whose scalar keys are the text written, checked by `_flattened`."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        raise yaml.constructor.ConstructorError(None, None, f"expected a mapping, found {node.id}", node.start_mark)
    loader.flatten_mapping(node)
    mapping = {}
    for key_node, value_node in node.value:
        key = key_node.value if _as_written(key_node) else loader.construct_object(key_node, deep=deep)
        if not isinstance(key, Hashable):
            kind = {"sequence": "a list", "mapping": "a mapping"}.get(key_node.id, key_node.id)
            raise yaml.constructor.ConstructorError(None, None, f"a key is text, not {kind}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


def _flattened(loader: Any, flatten: Callable[[Any, Any], None], node: Any) -> None:
    """`flatten` (YAML's merge of ``<<: *anchor`` keys into `node`, which calls back here for each
    node merged) after the first look at `node`'s own keys: one given twice is an error, one
    merged in is overridden. A node is looked at once: flattening rewrites its keys in place."""
    import yaml

    looked_at = loader.__dict__.setdefault("_keys_looked_at", set())
    if id(node) not in looked_at:
        looked_at.add(id(node))
        lines: dict[str, int] = {}
        for key_node, _ in node.value:
            if _as_written(key_node):  # (a merge key, <<, is not)
                line = key_node.start_mark.line + 1
                if key_node.value in lines:
                    where = f"line {line}" if lines[key_node.value] == line else f"lines {lines[key_node.value]} and {line}"
                    problem = f"the key {key_node.value!r} is given twice ({where})"
                    raise yaml.constructor.ConstructorError(None, None, problem, key_node.start_mark)
                lines[key_node.value] = line
    flatten(loader, node)


def _as_written(key_node: Any) -> bool:
    import yaml

    return isinstance(key_node, yaml.ScalarNode) and key_node.tag in AS_WRITTEN
