"""The replay's result for people: a terminal summary and the Markdown report the Walkthrough keeps."""

from __future__ import annotations

from typing import Any

from cio_tui.segment.replay.run import ReplayResult

TITLES = {
    "created_only_classic": "Created only under classic",
    "created_only_actions": "Created only under Actions",
    "lead_converted_only_one": "Lead converted under one destination only",
    "failed_attribute_change": "Failed attribute change under one destination only",
    "merged_by_alias": "Merged away by an alias (Actions' Merge People)",
    "attribute_type_changed": "Attribute type changes between string and number",
    "anonymous_activity_attached": "Anonymous activity attached under one destination only",
    "dropped_by_timestamp_order": "Update dropped by timestamp order under one destination only",
}
MEANING = {
    "created_only_classic": "A profile classic creates that Actions does not (often an alias or a call Actions "
    "rejects).",
    "created_only_actions": "A profile only Actions creates: anonymous traffic, email-only identifies, or calls "
    "classic "
    "never sent.",
    "lead_converted_only_one": "A lead (email, no id) gets its id under one destination only.",
    "failed_attribute_change": "Customer.io refuses an identifier change (conflict, id change without cio_) under one "
    "destination only.",
    "merged_by_alias": "alias merges two people and deletes the secondary: classic ignored alias.",
    "attribute_type_changed": "Segments and Liquid comparing the attribute behave differently.",
    "anonymous_activity_attached": "Anonymous events join the person when an identify carries their anonymous_id.",
    "dropped_by_timestamp_order": "Customer.io ignores an identify older than the person's last update: a late "
    "event no longer overwrites newer data.",
}


def _who(example: dict[str, Any]) -> str:
    person = example.get("person") or {}
    names = [f"cio_id {person['cio_id']}" if person.get("cio_id") else "",
             f"id {person['id']}" if person.get("id") else "",
             f"email {person['email']}" if person.get("email") else ""]  # fmt: skip
    shown = ", ".join(n for n in names if n) or "a person without id or email"
    if person.get("created_under"):
        shown += f" (created under {person['created_under']})"
    return shown


def _where(result: ReplayResult, example: dict[str, Any]) -> str:
    if "line" not in example:
        return ""
    file = result.files[example["source"]] if len(result.files) > 1 else ""
    return f" (first at {file + ' ' if file else ''}line {example['line']})"


def replay_text(result: ReplayResult) -> str:
    out = [
        f"Replayed {result.calls:,} calls from {', '.join(result.files)} ({result.mappings}); "
        f"{result.malformed_count:,} malformed line(s) skipped; starting people: {result.starting_people:,}"
        + (f" ({result.starting_from})." if result.starting_from else "."),
        f"People who end up different between classic and Actions: {result.people_differing:,}",
    ]
    for kind in result.kinds:
        out.append(f"  {kind.kind}: {kind.count:,}")
        out += [f"    - {_who(e)}{_where(result, e)}: {e['detail']}" for e in kind.examples]
    refused = ", ".join(f"{k} {v:,}" for k, v in result.refused.items())
    out.append(f"Requests Customer.io refuses (400): {refused}.")
    return "\n".join(out) + "\n"


def replay_markdown(result: ReplayResult, *, rehearsal_step: int) -> str:
    """The report: what the switch does to the population, kind by kind, with examples to look up.
    ``rehearsal_step`` is the number of the Walkthrough step that rehearses (the callers, above this layer, take it
    from the step list)."""
    lines = [
        "# Rehearsal on real traffic",
        "",
        f"- Traffic: {', '.join(result.files)}: {result.calls:,} calls replayed in delivery order, "
        f"{result.malformed_count:,} malformed line(s) skipped.",
        f"- Starting people: {result.starting_people:,} (the same in both copies)"
        + (f": {result.starting_from}." if result.starting_from else "."),
        f"- Actions mappings: {result.mappings}.",
        f"- Requests sent: classic {result.requests.get('classic', 0):,}, Actions {result.requests.get('actions', 0):,}"
        f"; refused by Customer.io: classic {result.refused.get('classic', 0):,}, "
        f"Actions {result.refused.get('actions', 0):,}.",
        "",
        f"**{result.people_differing:,} people end up different** between the classic and the Actions copy.",
        "",
        "| Kind | People | What it means |",
        "|---|---:|---|",
    ]
    lines += [f"| `{k.kind}` | {k.count:,} | {MEANING[k.kind]} |" for k in result.kinds]
    for kind in result.kinds:
        if not kind.examples:
            continue
        lines += ["", f"## {TITLES[kind.kind]} ({kind.count:,})", ""]
        lines += [f"- {_who(e)}{_where(result, e)}: {e['detail']}" for e in kind.examples]
    if result.malformed:
        lines += ["", f"## Malformed lines ({result.malformed_count:,}, skipped)", ""]
        lines += [f"- {m.file} line {m.line}: {m.reason}" for m in result.malformed[:50]]
        if result.malformed_count > 50:
            lines.append(f"- ... and {result.malformed_count - 50:,} more (`cio-tui replay --json` lists them)")
    lines += [
        "",
        f"Look a person up in People (`cio-tui person ID`, or in the app: Walkthrough step {rehearsal_step}, pick "
        "the example, Open in People), or preview the call at a line with `cio-tui preview` (in the app: Preview "
        "the call) to see both destinations' requests.",
    ]
    return "\n".join(lines) + "\n"
