"""The Preview's Batches tab: with the operator's subscriptions that batch (``enable_batching``), the
``POST /api/v2/batch`` bodies production sends instead of the calls' own requests, Customer.io's 207 answer and what
Segment reports per event (the same facts as ``cio-tui preview --subscriptions``, ``render_batches``).

``batch_parts`` is the text, ``BatchesView`` only renders it; the screen plans the batches (``batches_for``).
"""

from __future__ import annotations

import json

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from cio_tui.segment.batching import Batch

NBSP = "\u00a0"
Part = Content | tuple[str, str] | str

ON_WHATIF = "the what-if copy of this workspace's people (the same people the outcomes are predicted on)"
ON_EMPTY = "an empty workspace (no workspace is open: only items refused for their body alone show)"
PREDICTING = "an empty workspace, until this workspace's people are read (predicting...)"
NO_BATCHING = "None of your subscriptions batches (enable_batching is off): each call is sent on its own."


def batch_counts(batches: list[Batch]) -> tuple[int, int]:
    """(batch requests sent, events that fail: refused in a 207, by Segment's validation, or accepted with a failed
    attribute change)."""
    sent = sum(1 for b in batches if b.body is not None)
    return sent, sum(len(b.errors) + len(b.rejected) + len(b.failed_changes) for b in batches)


def batch_summary(batches: list[Batch]) -> str:
    """One line: how many batch requests, how many items Customer.io refuses, how many events Segment fails."""
    sent = [b for b in batches if b.body is not None]
    refused = sum(len(b.errors) for b in batches)
    rejected = sum(len(b.rejected) for b in batches)
    failed = sum(len(b.failed_changes) for b in batches)
    return (
        f"{len(sent)} batch request(s) of {sum(len(b.calls) for b in sent)} item(s); "
        f"{refused} item(s) Customer.io refuses (207); {rejected} event(s) Segment fails before sending (400)"
        + (f"; {failed} item(s) accepted with a failed attribute change" if failed else "")
    )


def batch_parts(batches: list[Batch], predicted_on: str) -> list[Part]:
    """Each batch: who sends it, its body, the 207 Customer.io answers and what Segment reports per event."""
    parts: list[Part] = [(batch_summary(batches) + ".\n", "bold"), (f"207s predicted on {predicted_on}.\n", "italic")]
    for batch in batches:
        calls = ", ".join(str(c) for c in batch.calls)
        who = f"subscription '{batch.subscription}' ({batch.action})"
        if batch.body is None:
            parts.append((f"\n{who}: nothing sent (every event failed Segment's validation)\n", "bold"))
        else:
            parts.append(
                (f"\n{who}: {batch.method} {batch.path}, {len(batch.calls)} item(s) from call(s) {calls}\n", "bold")
            )
            if batch.errors:
                answer = json.dumps(batch.response(), ensure_ascii=False)
                parts.append((f"Customer.io answers 207: {answer}\n", "bold $text-error"))
            else:
                parts.append(("Customer.io answers 200: every item accepted\n", "$text-success"))
            parts += [(f"{NBSP * 2}{e.segment_says()}\n", "$text-error") for e in batch.errors]
            parts += [(f"{NBSP * 2}{line}\n", "$text-warning") for line in batch.failed_change_says()]
        parts += [
            (f"{NBSP * 2}call {c}: Segment reports status 400 (PAYLOAD_VALIDATION_FAILED, not sent): {m}\n",
             "$text-error")
            for c, m in batch.rejected
        ]  # fmt: skip
        if batch.body is not None:  # the body last: the answers above stay in view
            parts += [
                _indent(line) + "\n" for line in json.dumps(batch.body, ensure_ascii=False, indent=2).splitlines()
            ]
    return parts


def _indent(line: str) -> str:
    """Leading spaces as no-break spaces: the view wraps long lines and would drop the JSON's indentation."""
    text = line.lstrip(" ")
    return NBSP * (len(line) - len(text)) + text


class BatchesView(VerticalScroll):
    """The batches of the whole paste (not of one call): production batches across calls."""

    def compose(self) -> ComposeResult:
        yield Static("", classes="pane-body")

    def show(self, batches: list[Batch], predicted_on: str, empty: str = NO_BATCHING) -> None:
        body = self.query_one(".pane-body", Static)
        if not batches:
            body.update(empty)
            return
        body.update(Content.assemble(*batch_parts(batches, predicted_on)).rstrip())
