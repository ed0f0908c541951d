"""The ``threadscope`` command: a thin translator over the library.

Each command parses its options, makes one library call, and writes the result. A
``ThreadscopeError`` becomes ``Error: <message>`` on stderr with exit code 1; click's own
usage errors exit with 2.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import click

from threadscope import __version__
from threadscope.adapters import adapters
from threadscope.errors import ThreadscopeError
from threadscope.export import GRAPH_FORMATS, GRAPH_NODES, GRAPH_SUFFIXES, render_graph, write_graph
from threadscope.exports import EXPORT_FORMATS
from threadscope.load import load_thread
from threadscope.model import Thread
from threadscope.output import encodable, write_output

F = TypeVar("F", bound=Callable[..., Any])

#: How many warnings the parse summary lists before "… and N more" (one screen).
SUMMARY_WARNINGS = 8

#: What must never reach a terminal from thread text (names, titles, file names, warnings): ANSI
#: escape sequences (CSI ``ESC [ … final``, OSC ``ESC ] … BEL/ST`` as in the issue's
#: ``OP\x1b]0;…\x07\x1b[2J`` that retitled and cleared the terminal, other ``ESC x`` pairs), the
#: C0/C1 control characters (newlines included: a summary line stays one line) and lone surrogates.
TERMINAL_UNSAFE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"          # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, ended by BEL or ST (or cut off)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"    # DCS, SOS, PM, APC strings
    r"|\x1b.?"                           # any other escape
    r"|[\x00-\x1f\x7f-\x9f\ud800-\udfff]"
)


def safe(text: object) -> str:
    """``text`` fit to print: escape sequences and control characters removed. Every echo of
    thread-derived text (names, titles, sources, warnings) goes through here."""
    return TERMINAL_UNSAFE.sub("", str(text))


def _format_names() -> list[str]:
    return ["auto", *(adapter.name for adapter in adapters())]


def reports_errors(command: F) -> F:
    """Turn library errors into one clean line and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ThreadscopeError as exc:
            click.echo(f"Error: {safe(exc)}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


def write_json_lines(records: Iterable[Mapping[str, Any]], output: Path) -> bool:
    """One JSON object per line to ``output`` (``-``: stdout). True when a file was written."""
    lines = encodable("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records))
    if str(output) == "-":
        click.echo(lines, nl=False)
        return False
    write_output(output, lines)
    return True


paths_argument = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=False),
    metavar="THREAD...",
)


def _scorer_names(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    return tuple(name.strip() for name in value.split(",") if name.strip()) if value else None


scorers_option = click.option(
    "--scorers", callback=_scorer_names, metavar="NAME,...",
    help="Scorers to run, in order (default: sentiment,stance,snownlp); `threadscope scorers` "
         "lists them, plugins included.")


def format_option(command: F) -> F:
    return click.option(
        "--format", "format_", default="auto", show_default=True,
        type=click.Choice(_format_names()),
        help="Input format; 'auto' detects it per file.",
    )(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="threadscope")
def cli() -> None:
    """Analyse saved Stage1st (Discuz!) forum threads.

    THREAD is one or more files of one thread: saved desktop pages, touch pages, app API JSON,
    RSS feeds or the plain-text archive format; a folder stands for the files in it.
    """


@cli.command()
@paths_argument
@format_option
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write JSON Lines (one post per line) here; '-' for stdout.")
@click.option("--with-html", is_flag=True, help="Include each post's original body HTML.")
@reports_errors
def parse(paths: tuple[Path, ...], format_: str, output: Path | None, with_html: bool) -> None:
    """Parse THREAD into typed posts.

    Without -o, print a one-screen summary: title, tid, floors (deleted, banned, missing),
    span, participants and parsing warnings. With -o, write one JSON object per post with the
    fields floor, pid, author, uid, time (ISO 8601, +08:00), is_op, status, text, quotes,
    reply_to, edit, ratings, client, smileys, images, links.

    \b
    Examples:
      threadscope parse samples/thread-agi-empire.md
      threadscope parse page-1.html page-2.html -o posts.jsonl
    """
    thread = load_thread(list(paths), format=format_)
    if output is None:
        click.echo(summary(thread))
        return
    if write_json_lines((post.to_dict(with_html=with_html) for post in thread.posts), output):
        click.echo(f"Wrote {len(thread.posts)} posts to {safe(output)}", err=True)


@cli.command()
@paths_argument
@format_option
@click.option("--to", "to", default=None, type=click.Choice(GRAPH_FORMATS),
              help="Output format: gexf (opens in Gephi), graphml, or csv (the links table). "
                   "Default: from the -o file's ending, else gexf.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Write the graph here; '-' for stdout.")
@click.option("--nodes", default="posts", show_default=True, type=click.Choice(GRAPH_NODES),
              help="One node per post (edges: who answers which post) or per user (weighted).")
@reports_errors
def graph(paths: tuple[Path, ...], format_: str, to: str | None, output: Path, nodes: str) -> None:
    """Resolve who answers whom in THREAD and export the reply graph.

    Every quote, 回复 N# reply and textual pointer (楼上, N楼, @NAME, an echoed phrase) is
    resolved to the floor it answers; posts with none answer the thread (floor 1). The CSV
    is the links table: one row per link with the columns forum, thread, source_floor,
    target_floor, kind, confidence, source_author, target_author, reason, evidence, is_reply,
    stance (target_floor empty for an unresolved quote).

    \b
    Examples:
      threadscope graph samples/thread-agi-empire.md -o seed.gexf
      threadscope graph page-1.html page-2.html --to csv -o links.csv
      threadscope graph samples/thread-agi-empire.md --nodes users -o users.graphml
    """
    from threadscope.graph import build_graphs

    fmt = to or GRAPH_SUFFIXES.get(output.suffix.lower(), "gexf")
    graphs = build_graphs(load_thread(list(paths), format=format_))
    if str(output) == "-":
        click.get_binary_stream("stdout").write(render_graph(graphs, fmt, nodes=nodes))
        return
    write_graph(graphs, output, fmt, nodes=nodes)
    shown = graphs.posts if nodes == "posts" else graphs.users
    unresolved = sum(1 for link in graphs.links if link.target is None)
    click.echo(f"Wrote {fmt} {nodes} graph ({shown.number_of_nodes()} nodes, {shown.number_of_edges()} "
               f"edges; {unresolved} unresolved links, {len(graphs.problems)} link problems) "
               f"to {safe(output)}",
               err=True)


@cli.command()
@paths_argument
@format_option
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Write JSON Lines (one post per line) here; '-' for stdout.")
@click.option("--no-snownlp", "no_snownlp", is_flag=True,
              help="Skip snownlp's raw value (slow on big threads; cached on disk otherwise).")
@scorers_option
@reports_errors
def score(paths: tuple[Path, ...], format_: str, output: Path, no_snownlp: bool,
          scorers: tuple[str, ...] | None) -> None:
    """Score every post of THREAD: sentiment, snownlp's raw value, stance toward its target and
    toward the thread starter.

    Each line has floor, pid, author, target_floor, sentiment (neg/neu/pos), sentiment_score
    (-1..1), sentiment_confidence, snownlp, stance (agree/disagree/neutral), stance_confidence,
    stance_op and scorers (the scorer set's name and version), then the columns of any other
    scorer chosen with --scorers.

    \b
    Examples:
      threadscope score samples/thread-agi-empire.md -o scores.jsonl
      threadscope score big-thread/ --no-snownlp -o -
      threadscope score samples/thread-agi-empire.md --scorers sentiment,stance,my-scorer -o -
    """
    from threadscope.analysis import choose_scorers
    from threadscope.nlp.scorers import score_thread

    chosen = choose_scorers(scorers, snownlp=not no_snownlp, workers=None, cache=True)
    frame = score_thread(load_thread(list(paths), format=format_), scorers=chosen)
    frame["scorers"] = frame.attrs["scorers"]
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    if write_json_lines(records, output):
        click.echo(f"Wrote {len(records)} scored posts to {safe(output)} ({frame.attrs['scorers']})",
                   err=True)
    for note in frame.attrs.get("notes", ()):
        click.echo(safe(note), err=True)  # why some columns are empty (snownlp reads Chinese only)


@cli.command()
@paths_argument
@format_option
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Where to write the report. Default: reports/<tid>-<title>.html.")
@click.option("--title", help="Report title (default: the thread's title).")
@click.option("--anonymize", is_flag=True,
              help="Replace user names everywhere with stable pseudonyms (U001, U002, …).")
@click.option("--no-snownlp", "no_snownlp", is_flag=True,
              help="Skip snownlp's raw value (the slow column; cached on disk otherwise).")
@scorers_option
@reports_errors
def analyze(paths: tuple[Path, ...], format_: str, output: Path | None, title: str | None,
            anonymize: bool, no_snownlp: bool, scorers: tuple[str, ...] | None) -> None:
    """Analyse THREAD and write one self-contained interactive HTML report.

    Runs parse → reply graph → sentiment and stance scores → graph measures → report, and
    prints where the report is. The report opens offline: it loads nothing from the network.

    \b
    Examples:
      threadscope analyze samples/thread-agi-empire.md -o reports/2267042-agi-empire.html
      threadscope analyze page-1.html page-2.html --anonymize
    """
    from threadscope import pipeline

    with click.progressbar(length=len(pipeline.STAGES), label="Analysing", file=sys.stderr,
                           item_show_func=lambda stage: stage) as bar:
        def advance(stage: str) -> None:
            bar.update(1 if stage != pipeline.STAGES[0] else 0, stage)

        analysis = pipeline.analyze(list(paths), format=format_, scorers=scorers, snownlp=not no_snownlp,
                                    progress=advance)
        advance("report")
        written = pipeline.write_analysis_report(analysis, output, title=title, anonymize=anonymize)
        bar.update(1, "done")
    click.echo(f"Report: {safe(written)} ({len(analysis.thread.posts)} floors)")


@cli.command(name="export")
@paths_argument
@format_option
@click.option("--to", "to", required=True, type=click.Choice(EXPORT_FORMATS),
              help="convokit (a ConvoKit corpus folder), or the posts/links/users tables as parquet "
                   "(needs threadscope[parquet]), csv or jsonl.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder to write into (created).")
@click.option("--no-snownlp", "no_snownlp", is_flag=True,
              help="Skip snownlp's raw value (the slow column; cached on disk otherwise).")
@scorers_option
@reports_errors
def export(paths: tuple[Path, ...], format_: str, to: str, output: Path, no_snownlp: bool,
           scorers: tuple[str, ...] | None) -> None:
    """Analyse THREAD... and export the results in an open format.

    Files of one thread (same forum and tid) are joined; files of different threads become one
    conversation each. convokit writes utterances.jsonl, speakers.json, conversations.json,
    corpus.json and index.json (load with convokit.Corpus(filename=DIR)): reply_to is the post
    threadscope resolved each post to answer, the scores are in each utterance's meta. parquet,
    csv and jsonl write posts, links and users (the columns of `analyze`'s frames) and
    tables.json, their dtypes (threadscope.exports.read_table reads them back).

    \b
    Examples:
      threadscope export samples/thread-agi-empire.md --to convokit -o corpus/
      threadscope export page-1.html page-2.html other-thread/ --to parquet -o tables/
    """
    from threadscope import pipeline

    written = pipeline.export_threads(list(paths), output, to=to, format=format_, scorers=scorers,
                              snownlp=not no_snownlp)
    click.echo(f"Wrote {to}: {', '.join(safe(path.name) for path in written)} to {safe(output)}", err=True)


# --- corpus mode (issue 11) ------------------------------------------------------------------

#: Width of the corpus progress bar, in characters.
CORPUS_BAR_WIDTH = 28


def _duration(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def corpus_progress_line(done: int, total: int, posts: int, elapsed: float) -> str:
    """``[#####.....] 120/150 threads  8.1 threads/s  950 posts/s  ETA 0:00:04``."""
    filled = CORPUS_BAR_WIDTH * done // total if total else CORPUS_BAR_WIDTH
    rate = done / elapsed if elapsed else 0.0
    eta = (total - done) / rate if rate else 0.0
    return (f"[{'#' * filled}{'.' * (CORPUS_BAR_WIDTH - filled)}] {done}/{total} threads  "
            f"{rate:.1f} threads/s  {posts / elapsed if elapsed else 0:,.0f} posts/s  ETA {_duration(eta)}")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=False),
                metavar="DIR_OR_FILES...")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Output folder: one Parquet folder per table and the manifest (created if needed).")
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes (default: every core).")
@click.option("--engine", default="local", show_default=True, type=click.Choice(["local", "dask"]),
              help="local: a process pool on this machine; dask: dask.distributed (pip install "
                   "'threadscope[dask]').")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler of an existing cluster (tcp://host:8786); default: a LocalCluster.")
@click.option("--send-bytes", is_flag=True,
              help="Dask: read the files here and send their bytes (workers without the input folder).")
@click.option("--no-snownlp", "no_snownlp", is_flag=True, help="Skip snownlp's raw value (the slow column).")
@scorers_option
@format_option
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N threads (in board/tid order).")
@click.option("--report", "report", is_flag=True,
              help="Also write OUT/corpus-report.html (offline, one file).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@reports_errors
def corpus(paths: tuple[Path, ...], output: Path, workers: int | None, engine: str, scheduler: str | None,
           send_bytes: bool, no_snownlp: bool, scorers: tuple[str, ...] | None, format_: str,
           limit: int | None, report: bool, quiet: bool) -> None:
    """Analyse every thread under DIR_OR_FILES into Parquet tables in OUT.

    Threads are discovered in the S1 archive layouts (BOARD/TID-NN[TITLE].md, thread folders,
    parts of one tid grouped); other files are a thread each. OUT gets threads/, posts/, links/,
    thread_users/, users/ and failures/ (folders of Parquet files: pandas.read_parquet(OUT/'posts')
    reads one) and manifest.jsonl. A re-run skips threads whose files did not change and continues
    an interrupted run. Exit code 1 when a thread failed (listed in OUT/failures).

    \b
    Examples:
      threadscope corpus archive/2023/游戏区 -o out/
      threadscope corpus archive/2023 -o out/ --workers 8 --no-snownlp --limit 500
      threadscope corpus archive/2023 -o out/ --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from threadscope.corpus import run_corpus

    show = not quiet and sys.stderr.isatty()

    def progress(done: int, total: int, posts: int, elapsed: float) -> None:
        if show:
            click.echo("\r" + corpus_progress_line(done, total, posts, elapsed), nl=done == total, err=True)

    try:
        result = run_corpus(list(paths), output, engine=engine, workers=workers, scheduler=scheduler,
                            snownlp=not no_snownlp, scorers=scorers, format=format_, limit=limit,
                            send_bytes=send_bytes, progress=progress, report=report)
    except KeyboardInterrupt:
        click.echo(f"\nInterrupted: the threads finished so far are kept in {safe(output)}; run the same "
                   "command again to continue.", err=True)
        sys.exit(130)
    click.echo(f"{result.threads} threads: {result.analyzed} analysed ({result.posts:,} posts in "
               f"{result.seconds:.1f} s, {result.posts_per_second:,.0f} posts/s), {result.skipped} unchanged "
               f"and skipped, {result.failed} failed. Tables in {safe(output)}/")
    if result.report is not None:
        click.echo(f"Report: {safe(result.report)}")
    for file, error in result.failures[:SUMMARY_WARNINGS]:
        click.echo(f"  failed: {safe(error if str(file) in error else f'{file}: {error}')}", err=True)
    if result.failed:
        click.echo(f"Error: {result.failed} of {result.threads} threads failed (rows in "
                   f"{safe(output / 'failures')})", err=True)
        sys.exit(1)


@cli.command(name="eval")
@click.argument("gold", type=click.Path(path_type=Path))
@click.option("--root", type=click.Path(path_type=Path, file_okay=False),
              help="Folder the gold file's thread paths are relative to (default: its folder and parents).")
@click.option("--no-snownlp", "no_snownlp", is_flag=True, help="Skip the snownlp baseline.")
@click.option("--scorers", callback=_scorer_names, metavar="NAME,...",
              help="The sentiment and stance scorers to measure (default: the default set), e.g. "
                   "char123-lr+s1-lexicon,s1-stance-rules for the rules of version 1.")
@click.option("--split", default="dev", show_default=True, metavar="NAME",
              help="For a file of labelled replies ({\"items\": [...]}): the split to score "
                   "('all': every item).")
@reports_errors
def eval_command(gold: Path, root: Path | None, no_snownlp: bool, scorers: tuple[str, ...] | None,
                 split: str) -> None:
    """Accuracy and macro-F1 of sentiment, stance and reply target against GOLD (hand labels in
    the format of ../shared/gold/seed-thread-labels.json), next to plain snownlp
    (>= 0.5 = pos, else neg) measured in the same run. GOLD may also be a file of labelled
    replies (tests/gold/s1-replies.json, tests/gold/en-replies.json): each reply's text is
    scored with its target's text as the stance target.

    \b
    Examples:
      threadscope eval ../shared/gold/seed-thread-labels.json
      threadscope eval tests/gold/s1text-labels.json --no-snownlp
      threadscope eval tests/gold/heldout-labels.json --scorers char123-lr+s1-lexicon,s1-stance-rules
      threadscope eval tests/gold/en-replies.json --split dev
    """
    from threadscope.nlp.evaluate import evaluate, evaluate_items, format_report, is_items_file

    if is_items_file(gold):
        result = evaluate_items(gold, split=None if split == "all" else split, snownlp=not no_snownlp,
                                scorers=scorers)
    else:
        result = evaluate(gold, root=root, snownlp=not no_snownlp, scorers=scorers)
    click.echo("\n".join(safe(line) for line in format_report(result).split("\n")))


@cli.command(name="scorers")
def list_scorers() -> None:
    """List the scorers --scorers can name (built-in, then installed plugins), default set first."""
    from threadscope.nlp.scorers import DEFAULT_SCORERS, available_scorers

    for name, factory in available_scorers().items():
        scorer = factory()
        default = " (default)" if name in DEFAULT_SCORERS else ""
        click.echo(f"{name:24} {scorer.name}/{scorer.version}: {', '.join(scorer.columns)}{default}")


@cli.command(name="adapters")
def list_adapters() -> None:
    """List the input formats threadscope reads, in detection order."""
    for adapter in adapters():
        click.echo(f"{adapter.name:8} {adapter.description}")


def summary(thread: Thread) -> str:
    """A one-screen, human-readable account of a parsed thread."""
    counts = thread.status_counts()
    span = thread.span
    authors = Counter(post.author for post in thread.posts if post.author)
    top = ", ".join(f"{safe(name)} ({n})" for name, n in authors.most_common(3))
    floors = f"{len(thread.posts)} parsed"
    floors += "".join(f", {counts[s]} {s}" for s in ("deleted", "banned", "hidden") if counts[s])
    if thread.missing_floors:
        floors += f", {len(thread.missing_floors)} missing"
    lines = [
        f"Title:        {safe(thread.title or '(unknown)')}",
        f"Thread:       {safe(thread.forum)} tid {'(unknown)' if thread.tid is None else safe(thread.tid)}"
        f" · format {safe(thread.format)}",
        f"Sources:      {', '.join(safe(source) for source in thread.sources)}",
        f"Floors:       {floors}",
        f"Span:         {span[0].astimezone(thread.zone):%Y-%m-%d %H:%M} → "
        f"{span[1].astimezone(thread.zone):%Y-%m-%d %H:%M} ({thread.zone_label})" if span
        else "Span:         (no times)",
        f"Starter:      {safe(thread.starter or '(unknown)')}",
        f"Participants: {len(authors)}; most active: {top or '-'}",
        f"Warnings:     {len(thread.warnings) or 'none'}",
    ]
    lines += [f"  - {safe(warning)}" for warning in thread.warnings[:SUMMARY_WARNINGS]]
    if len(thread.warnings) > SUMMARY_WARNINGS:
        lines.append(f"  … and {len(thread.warnings) - SUMMARY_WARNINGS} more (see `parse -o` output)")
    return "\n".join(lines)


def main() -> None:
    cli(prog_name="threadscope")
