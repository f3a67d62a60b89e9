from helpers import run


def test_list_runs_on_the_bundled_seeds():
    result = run("list", "--format", "jsonl")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 5
