"""Reading a YAML file a user names (corpus.yaml, --terms FILE): safely, within the size limit,
and with anything wrong in it as one `CorpusError` line naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corpus_cli.errors import CorpusError
from corpus_cli.source.limits import read_named_text


def read_yaml(path: Path, what: str) -> Any:
    """The data of the YAML file `path` (None when it is empty); `what` says what the file should
    be, for the messages. Too large, not UTF-8, malformed YAML, an impossible date or nesting too
    deep: each is one `CorpusError` naming the file."""
    import yaml  # imported here: most runs never read YAML

    # libyaml's safe loader where PyYAML was built with it: as safe, and 40,000 entries load in
    # a second instead of 11.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    text = read_named_text(path, what)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as error:
        problem = str(getattr(error, "problem", None) or error).splitlines()[0]
        raise CorpusError(f"{path}: invalid YAML: {problem}") from None
    except ValueError as error:  # an unquoted impossible date, such as 2024-02-30
        raise CorpusError(f"{path}: invalid value: {error} (dates are real dates written YYYY-MM-DD)") from None
    except RecursionError:
        raise CorpusError(f"{path}: invalid YAML: nested too deeply") from None
