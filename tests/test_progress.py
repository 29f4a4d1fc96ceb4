"""Progress of long loops: a live bar interactively, one summary line under the book's executor."""

from emnlp21.core.progress import progress


def test_under_the_executor_a_loop_leaves_one_summary_line(monkeypatch, capsys):
    monkeypatch.setenv("EMNLP21_BATCH", "1")
    assert list(progress(range(500), desc="pre-train mlm")) == list(range(500))
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pre-train mlm: 500 steps in ")
    assert list(progress(range(42), desc="fine-tune", unit="run")) == list(range(42))
    assert capsys.readouterr().out.startswith("fine-tune: 42 runs in ")  # what was counted, not "steps"
    assert list(progress(range(3), desc="quiet", disable=True)) == [0, 1, 2]
    assert capsys.readouterr().out == ""


def test_interactively_it_is_a_tqdm_bar(monkeypatch):
    monkeypatch.delenv("EMNLP21_BATCH", raising=False)
    bar = progress(range(3), desc="x")
    assert type(bar).__name__ == "tqdm" and list(bar) == [0, 1, 2]
