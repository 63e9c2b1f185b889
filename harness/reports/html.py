"""One self-contained HTML file for a CI artifact: which client, which workflows, which rules, what happened.

Everything is inline (styles and the small script), so the file opens anywhere without a network. Each
workflow shows the rules that judged it and the sequence of its exchanges (request, then answer, status
coloured); a finding links to the exchanges it names; bodies fold open. Bodies come from the journal or
a cassette, where credentials are already removed, and are redacted once more against the credentials in
the environment. ``serve``'s live view (``/_harness/``) uses the same styles.
"""

from __future__ import annotations

import contextlib
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fake_server import Exchange
from fake_server.face import json_or_none
from harness.rules import REGISTRY
from harness.scrub import credentials_in_environment, redact

STYLE = """
:root { --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --dim: #57606a; --line: #d0d7de; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.4rem; margin-bottom: .3rem; } h2 { font-size: 1.1rem; margin: 1.6rem 0 .4rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
code, pre { font: 12px/1.4 ui-monospace, monospace; }
pre { white-space: pre-wrap; word-break: break-all; margin: .2rem 0; }
.passed, .same, .s2 { color: var(--ok); } .failed, .differs, .s4, .s5, .s0 { color: var(--bad); }
.skipped, .unknown, .s3 { color: var(--warn); } .dim { color: var(--dim); }
.verdict { font-weight: 600; text-transform: uppercase; font-size: .8rem; }
.workflow { border: 1px solid var(--line); border-radius: 6px; padding: .2rem 1rem .8rem; margin: 1rem 0; }
.rules span { display: inline-block; background: #eef1f4; border-radius: 4px; padding: 0 .4rem; margin: .1rem; }
.finding { background: #fff5f5; border-left: 3px solid var(--bad); padding: .3rem .6rem; margin: .3rem 0; }
.exchange { border-left: 3px solid var(--line); padding: .2rem .6rem; margin: .3rem 0; }
.exchange:target, .exchange.hit { border-left-color: var(--bad); background: #fff8c5; }
.arrow { color: var(--dim); } summary { cursor: pointer; color: var(--dim); }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: .5rem; }
"""

# Clicking a finding marks the exchanges it names, as well as scrolling to the first.
SCRIPT = """
document.querySelectorAll('a.to-exchange').forEach(function (link) {
  link.addEventListener('click', function () {
    document.querySelectorAll('.exchange.hit').forEach(function (e) { e.classList.remove('hit'); });
    (link.dataset.targets || '').split(' ').forEach(function (id) {
      var node = document.getElementById(id); if (node) { node.classList.add('hit'); }
    });
  });
});
"""


@dataclass
class Workflow:
    """One workflow's part of a report: what ran, which rules judged it, and every exchange it made."""

    name: str
    verdict: str  # passed, failed or skipped
    rules: Sequence[str] = ()
    exchanges: Sequence[Exchange] = ()
    # (rule, message, positions of the exchanges it names)
    findings: Sequence[tuple[str, str, tuple[int, ...]]] = ()
    seconds: float | None = None
    note: str = ""


@dataclass
class Section:
    """A titled block of ready HTML (verify's drift, probe's points)."""

    title: str
    body: str


@dataclass
class Report:
    title: str
    summary: Sequence[tuple[str, str]]
    workflows: Sequence[Workflow] = ()
    sections: Sequence[Section] = field(default_factory=list)


def clean_html(text: str) -> str:
    """Text made safe to show: credentials redacted, then escaped."""
    return html.escape(redact(text, credentials_in_environment()))


def _body(raw: bytes) -> str:
    if not raw:
        return '<span class="dim">(no body)</span>'
    text = raw.decode("utf-8", errors="replace")
    parsed = json_or_none(text)  # not strict JSON, or nested past what Python reads: shown as it came
    if parsed is not None:
        with contextlib.suppress(ValueError, RecursionError):
            text = json.dumps(parsed, indent=2, ensure_ascii=False)
    return f"<pre>{clean_html(text)}</pre>"


def _path(url: str) -> str:
    rest = url.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else rest


def exchange_html(exchange: Exchange, anchor: str) -> str:
    """One exchange as a request → answer pair, bodies folded. A webhook callout the fake sent is marked as
    such, with its whole URL (the receiver's host matters)."""
    status = exchange.status
    outbound = exchange.outbound
    if exchange.unjudgeable:
        return (
            f'<div class="exchange" id="{anchor}"><span class="dim">#{exchange.position}</span> '
            f'<b class="s0">unjudgeable</b>: {clean_html(exchange.unjudgeable)}</div>'
        )
    return (
        f'<div class="exchange{" outbound" if outbound else ""}" id="{anchor}">'
        f'<span class="dim">#{exchange.position}</span> '
        + ('<b class="outbound">webhook callout</b> ' if outbound else "")
        + f"<code>{html.escape(exchange.method)} "
        f"{clean_html(exchange.url if outbound else _path(exchange.url))}</code> "
        f'<span class="arrow">→</span> <b class="s{status // 100}">{status}</b>'
        f"<details><summary>request body</summary>{_body(exchange.request_body)}</details>"
        f"<details><summary>answer body</summary>{_body(exchange.response_body)}</details></div>"
    )


def _workflow_html(index: int, workflow: Workflow) -> str:
    anchor = f"w{index}"
    rules = "".join(
        f'<span title="{html.escape(REGISTRY[r].statement) if r in REGISTRY else ""}">{html.escape(r)}</span>'
        for r in workflow.rules
    )
    parts = [
        f'<section class="workflow" id="{anchor}"><h2>{html.escape(workflow.name)} '
        f'<span class="verdict {html.escape(workflow.verdict)}">{html.escape(workflow.verdict)}</span>'
        + (f' <span class="dim">{workflow.seconds:.2f} s</span>' if workflow.seconds is not None else "")
        + "</h2>",
        f'<div class="rules">judged by: {rules or "<span>no traffic rules</span>"}</div>',
    ]
    if workflow.note:
        parts.append(f'<p class="dim">{clean_html(workflow.note)}</p>')
    for rule, message, positions in workflow.findings:
        targets = " ".join(f"{anchor}-e{p}" for p in positions)
        links = ", ".join(
            f'<a class="to-exchange" href="#{anchor}-e{p}" data-targets="{targets}">#{p}</a>' for p in positions
        )
        parts.append(
            f'<div class="finding"><b>{html.escape(rule)}</b> {clean_html(message)}'
            + (f" <span class='dim'>exchanges</span> {links}" if links else "")
            + "</div>"
        )
    parts.append(f"<h3>{len(workflow.exchanges)} exchanges</h3>")
    parts += [exchange_html(e, f"{anchor}-e{e.position}") for e in workflow.exchanges]
    parts.append("</section>")
    return "".join(parts)


def render(report: Report) -> str:
    """The whole report as one HTML document."""
    summary = "".join(f"<tr><th>{html.escape(k)}</th><td>{clean_html(v)}</td></tr>" for k, v in report.summary)
    index = "".join(
        f'<tr><td><a href="#w{i}">{html.escape(w.name)}</a></td>'
        f'<td class="verdict {html.escape(w.verdict)}">{html.escape(w.verdict)}</td>'
        f"<td>{len(w.rules)}</td><td>{len(w.exchanges)}</td><td>{len(w.findings)}</td></tr>"
        for i, w in enumerate(report.workflows)
    )
    overview = (
        "<table><tr><th>workflow</th><th>verdict</th><th>rules</th><th>exchanges</th><th>findings</th></tr>"
        f"{index}</table>"
        if report.workflows
        else ""
    )
    body = "".join(_workflow_html(i, w) for i, w in enumerate(report.workflows))
    sections = "".join(f"<h2>{html.escape(s.title)}</h2>{s.body}" for s in report.sections)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(report.title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{html.escape(report.title)}</h1><table>{summary}</table>{overview}{sections}{body}"
        f"<script>{SCRIPT}</script></body></html>"
    )


def table_html(headers: Sequence[str], rows: Sequence[Sequence[Any]], classes: Sequence[str] = ()) -> str:
    """A plain table; ``classes`` colours each row's last cell (a verdict)."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    lines = []
    for i, row in enumerate(rows):
        cells = [f"<td>{clean_html(str(c))}</td>" for c in row]
        if i < len(classes) and cells:
            cells[-1] = f'<td class="verdict {html.escape(classes[i])}">{clean_html(str(row[-1]))}</td>'
        lines.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(lines)}</table>"


def side_by_side(left_title: str, left: str, right_title: str, right: str) -> str:
    """Two texts next to each other: a recorded answer and its replay."""
    return (
        f'<div class="side"><div><b>{html.escape(left_title)}</b><pre>{clean_html(left)}</pre></div>'
        f"<div><b>{html.escape(right_title)}</b><pre>{clean_html(right)}</pre></div></div>"
    )
