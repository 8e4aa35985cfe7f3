"""Identify, identifier changes, conflicts and auto-merge, merge, delete, suppress (Track v1 and v2 alike).

Sources per rule: ``behaviours.py``. Refusals (400) are raised before anything is written.
"""

from __future__ import annotations

from typing import Any

from cio_tui.model.effect_kind import EffectKind
from cio_tui.model.ops import Ops, label, same, text, truthy
from cio_tui.model.person import Person
from cio_tui.model.settings import ANONYMOUS_MERGE_DAYS, DAY, MERGE_HISTORY_DAYS, WorkspaceSettings
from cio_tui.model.timeconv import to_unix
from cio_tui.model.validation import MAX_ATTRIBUTES, Ident, InvalidRequest, check_attributes

_IGNORED = ("cio_id", "_timestamp")


class PeopleOps(Ops):
    # -- identify -------------------------------------------------------------------------------------------
    def identify(
        self, who: Ident, body: object, *, v2: bool = False, timestamp: object = None, relationships: object = None
    ) -> None:
        """``PUT /api/v1/customers/{who}`` (and v2 identify, whose ``identifiers`` play the path's role)."""
        if not isinstance(body, dict):
            raise InvalidRequest("the request body must be a JSON object")
        check_attributes(body)
        s = self.settings()
        if v2:
            self.uses("v2_identify_like_v1")
        body = dict(body)
        update_only = truthy(body.pop("_update", False))
        new_id = text(body.pop("id", None))
        raw_email = body.pop("email", None)
        rels = body.pop("cio_relationships", None) if relationships is None else relationships
        for key in _IGNORED:
            body.pop(key, None)
        new_email = text(raw_email) if s.email_is_identifier else None
        if not s.email_is_identifier and raw_email is not None:
            self.uses("id_only_path")
            body["__email"] = raw_email  # ID-only: email is a plain attribute (kept in the email column)
        if "created_at" in body:
            body["created_at"] = self._created_at(body["created_at"])
        if who.kind == "anonymous_id":
            self.uses("anonymous_identifier")
            body.setdefault("anonymous_id", who.value)
            if new_email is None:
                if raw_email is not None and not s.email_is_identifier:
                    self.detail(
                        "In an id-only workspace email is not an identifier: it cannot name the person, "
                        "so the call changes nobody."
                    )
                self.outcome(EffectKind.ANONYMOUS_IDENTIFY, anonymous_id=who.value)
                return
            who, new_email = Ident("email", new_email), None
        if who.kind == "cio_id" and who.value.startswith("cio_"):
            who = Ident("cio_id", who.value[4:])
        if self.blocked(who, Ident("id", new_id) if new_id else None, Ident("email", new_email) if new_email else None):
            self.uses("suppressed_dropped")
            self.outcome(EffectKind.DROPPED_SUPPRESSED, identifier=f"{who.kind} {who.value}")
            return
        target = self._resolve_identify(who, new_id, new_email, update_only, s)
        if target is None:
            return
        stamp = timestamp if isinstance(timestamp, int | float) and not isinstance(timestamp, bool) else None
        if v2 and stamp is not None and s.ignore_older_updates and target.last_ts and stamp < target.last_ts:
            self.uses("timestamp_order")
            self.outcome(
                EffectKind.UPDATE_IGNORED_OLDER, (target, "unchanged"), timestamp=int(stamp), last=target.last_ts
            )
            return
        self._apply(target, body, int(stamp) if stamp is not None else None)
        if rels:
            self.relate_all(target, rels)

    def _created_at(self, value: object) -> object:
        if value is None or value == "":
            return value
        if isinstance(value, str) and not value.strip().lstrip("-").replace(".", "", 1).isdigit():
            self.uses("created_at_string")
        stamp = to_unix(value)
        if stamp is None:
            raise InvalidRequest("created_at must be unix seconds or a date string (ISO-8601)", "created_at")
        return stamp

    def _resolve_identify(
        self, path: Ident, new_id: str | None, new_email: str | None, update_only: bool, s: WorkspaceSettings
    ) -> Person | None:
        if path.kind == "cio_id":
            p = self.store.by_cio(path.value)
            if p is None:
                self.uses("unknown_cio_dropped")
                self.outcome(EffectKind.DROPPED, cio_id=path.value)
                return None
            self.outcome(EffectKind.UPDATES_PERSON, (p, "updated"))
            for kind, value in (("id", new_id), ("email", new_email)):
                if value is not None and not same(kind, getattr(p, kind), value):
                    self._change(p, kind, value, s)
            return p
        if path.kind in ("phone",):
            self.uses("phone_identifier")
        pkind = path.kind if path.kind in ("id", "email") else "id"
        okind = "email" if pkind == "id" else "id"
        body_same = new_id if pkind == "id" else new_email
        body_other = new_email if pkind == "id" else new_id
        matches = self.find(path)
        if len(matches) > 1:
            self.resolve(path)  # notes the ambiguity
        if matches:
            p = matches[0]
            self.outcome(EffectKind.UPDATES_PERSON, (p, "updated"))
            if path.kind == "phone":
                return self._phone_target(p, new_id, new_email)
            if body_same is not None and not same(pkind, body_same, path.value):
                self.uses("change_refused")
                self._fail(p, pkind, body_same, f"changing an {pkind} that is set needs the cio_id path")
                self.outcome(EffectKind(f"{pkind}_change_refused"), (p, "unchanged"), value=body_same)
            if body_other is None or same(okind, getattr(p, okind), body_other):
                return p
            others = [q for q in self.find(Ident(okind, body_other)) if q.pk != p.pk]
            if others:
                return self._two_people(p, others, pkind, len(matches), body_other, s)
            if getattr(p, okind) is None:
                setattr(p, okind, body_other)
                if okind == "id":
                    self.uses("lead_conversion")
                    self.outcome(EffectKind.ASSIGNS_ID_TO_LEAD, (p, "lead"), new_id=body_other)
            elif okind == "email" and s.email_update_by_id:
                self.uses("email_update_by_id")
                p.email = body_other
                self.outcome(EffectKind.EMAIL_CHANGED, (p, "updated"), email=body_other)
            else:
                self.uses("change_refused")
                self._fail(p, okind, body_other, f"the person already has a different {okind}; use the cio_id path")
                self.outcome(EffectKind(f"{okind}_change_refused"), (p, "unchanged"), value=body_other)
            return p
        if path.kind == "phone":
            return self._create_for(update_only, id_=new_id, email=new_email, phone=path.value)
        if body_other is not None:
            holders = self.find(Ident(okind, body_other))
            if holders:
                q = holders[0]
                if getattr(q, pkind) is None:
                    setattr(q, pkind, path.value)  # e.g. a lead gets its id
                    self.uses("lead_conversion")
                    if pkind == "id":
                        self.outcome(EffectKind.ASSIGNS_ID_TO_LEAD, (q, "lead"), new_id=path.value)
                    else:
                        self.outcome(EffectKind.UPDATES_PERSON, (q, "updated"))
                    return q
                self.uses("email_holder_has_id" if pkind == "id" else "change_refused")
                self._fail(q, pkind, path.value, f"the person already has a different {pkind}")
                self.outcome(EffectKind(f"{pkind}_change_refused"), (q, "unchanged"), value=path.value)
                return None
        ids = {pkind: path.value, okind: body_other}
        return self._create_for(update_only, id_=ids["id"], email=ids["email"])

    def _phone_target(self, p: Person, new_id: str | None, new_email: str | None) -> Person:
        """Identified by phone: a missing id or email is set; a different one is a failed change (assumed)."""
        for kind, value in (("id", new_id), ("email", new_email)):
            if value is None or same(kind, getattr(p, kind), value):
                continue
            if getattr(p, kind) is None and not self.find(Ident(kind, value)):
                setattr(p, kind, value)
            else:
                self.uses("change_refused")
                self._fail(p, kind, value, f"changing an {kind} that is set needs the cio_id path")
                self.outcome(EffectKind(f"{kind}_change_refused"), (p, "unchanged"), value=value)
        return p

    def _create_for(
        self, update_only: bool, *, id_: str | None, email: str | None, phone: str | None = None
    ) -> Person | None:
        if update_only:
            self.uses("update_only")
            self.outcome(EffectKind.UPDATE_ONLY_NO_PERSON)
            return None
        self.uses("create_person")
        p = self._create(id_=id_, email=email, phone=phone)
        self.outcome(EffectKind.CREATES_PERSON, (p, "created"))
        return p

    def _change(self, p: Person, kind: str, value: str, s: WorkspaceSettings) -> None:
        """Set or change an identifier through the cio_id path; another holder makes it a failed change."""
        self.uses("cio_path_change")
        if kind == "email" and not s.email_is_identifier:
            p.email = value
            return
        holders = [q for q in self.find(Ident(kind, value)) if q.pk != p.pk]
        if holders:
            self._fail(p, kind, value, f"the {kind} belongs to another person", holders[0])
            self.outcome(
                EffectKind(f"{kind}_change_refused"), (p, "unchanged"), (holders[0], "holds the value"), value=value
            )
        else:
            old = getattr(p, kind)
            setattr(p, kind, value)
            self.outcome(EffectKind.IDENTIFIER_CHANGE, (p, "updated"), changed=kind, old=old, new=value)

    def _two_people(
        self, p: Person, others: list[Person], pkind: str, path_matches: int, value: str, s: WorkspaceSettings
    ) -> Person:
        """Path and body name different people: auto-merge when its exact conditions hold, else a failed change."""
        q = others[0]
        by_id, by_email = (p, q) if pkind == "id" else (q, p)
        if (
            s.auto_merge
            and s.email_is_identifier
            and path_matches == 1
            and len(others) == 1
            and by_id.email is None
            and by_email.id is None
        ):
            self.uses("auto_merge")
            primary, secondary = sorted((p, q), key=lambda x: (x.created_at, x.pk))
            self.outcome(
                EffectKind.CONFLICT_AUTO_MERGE, (primary, "primary (older, kept)"), (secondary, "secondary (deleted)")
            )
            return self._merge_people(primary, secondary, automatic=True)
        self.uses("two_people")
        okind = "email" if pkind == "id" else "id"
        self._fail(p, okind, value, f"the {okind} belongs to another person", q)
        why = (
            "auto-merge is off"
            if not s.auto_merge
            else ("auto-merge needs the id person without an email and the email person without an id")
        )
        self.outcome(
            EffectKind.CONFLICT_FAILED, (p, f"conflict ({pkind}), updated"), (q, f"conflict ({okind})"), why=why
        )
        return p

    def _apply(self, p: Person, body: dict[str, Any], stamp: int | None) -> None:
        custom = [k for k in body if k not in ("__email", "created_at", "unsubscribed")]
        if len(p.attrs) + len(custom) > MAX_ATTRIBUTES:  # else the attributes after it cannot be too many
            after = {k for k, v in p.attrs.items()} | {k for k in custom if body[k] not in (None, "")}
            after -= {k for k in custom if body[k] in (None, "")}
        else:
            after = set()
        if len(after) > MAX_ATTRIBUTES:
            raise InvalidRequest(f"a person can have at most {MAX_ATTRIBUTES} attributes", "attributes")
        self.uses("update_person")
        if "__email" in body:
            p.email = text(body.pop("__email"))
        if "created_at" in body:
            value = body.pop("created_at")
            if value not in (None, ""):
                p.created_at = int(value)
        if "unsubscribed" in body:
            raw = body.pop("unsubscribed")
            if not isinstance(raw, bool):
                self.uses("unsubscribed_truthy")
            p.unsubscribed = truthy(raw)
        for key, value in body.items():
            if value is None or value == "":
                p.attrs.pop(key, None)
            else:
                p.attrs[key] = value
        now = self.clock()
        p.updated_at = now
        p.last_ts = max(p.last_ts or 0, stamp if stamp is not None else now)
        self._save(p)
        anonymous_id = text(body.get("anonymous_id"))
        if anonymous_id is not None and self.settings().anonymous_merge:
            self._merge_anonymous(p, anonymous_id)

    def _merge_anonymous(self, p: Person, anonymous_id: str) -> None:
        since = self.clock() - ANONYMOUS_MERGE_DAYS * DAY
        events = self.store.take_anonymous_events(anonymous_id, since)
        for type_, name, ts, data in events:
            self._activity(p, type_, name, ts, data)
        self.store.move_relationships(f"anon:{anonymous_id}", f"cio:{p.cio_id}")
        if events:
            self.uses("anonymous_merge")
            self.rec.facts["anonymous_events_merged"] = len(events)
            self.detail(f"{len(events)} anonymous event(s) of anonymous_id {anonymous_id} join {label(p)}.")

    # -- merge ------------------------------------------------------------------------------------------------
    def merge(self, primary: Ident, secondary: Ident) -> None:
        self.uses("merge_body")
        p, s = self.resolve(primary), self.resolve(secondary)
        if p is None:
            self.uses("merge_primary_missing")
            self.outcome(
                EffectKind.MERGE_DOES_NOTHING,
                *((x, "secondary") for x in (s,) if x),
                why="primary_missing",
                primary=f"{primary.kind} {primary.value}",
            )
            return
        if s is None or p.pk == s.pk:
            self.uses("merge_nothing")
            self.outcome(
                EffectKind.MERGE_DOES_NOTHING,
                (p, "primary"),
                why="same" if s else "secondary_missing",
                secondary=f"{secondary.kind} {secondary.value}",
            )
            return
        self.outcome(EffectKind.MERGES_PEOPLE, (p, "primary"), (s, "secondary (deleted)"))
        self._merge_people(p, s, automatic=False)

    def _merge_people(self, p: Person, s: Person, *, automatic: bool) -> Person:
        """Secondary deleted; primary keeps its values and fills missing ones; recent events move."""
        self.uses("merge_result", "merge_history")
        self.store.move_history(s.cio_id, p.cio_id, events_since=self.clock() - MERGE_HISTORY_DAYS * DAY)
        self._delete(s)
        for kind in ("id", "email", "phone"):
            if getattr(p, kind) is None:
                setattr(p, kind, getattr(s, kind))
        for key, value in s.attrs.items():
            if p.attrs.get(key) in (None, ""):
                p.attrs[key] = value
        p.updated_at = self.clock()
        self._save(p)
        data = {"merged_cio_id": s.cio_id, "merged_id": s.id, "merged_email": s.email, "automatic": automatic}
        self._activity(p, "profile_merge", None, self.clock(), data)
        return p

    # -- delete / suppress ------------------------------------------------------------------------------------
    def delete(self, who: Ident) -> None:
        self.uses("delete_person")
        p = self.resolve(who)
        if p is None:
            self.outcome(EffectKind.DELETES_PERSON_NO_PERSON, identifier=f"{who.kind} {who.value}")
            return
        self.outcome(EffectKind.DELETES_PERSON, (p, "deleted"))
        self._delete(p)

    def suppress(self, who: Ident) -> None:
        """Delete the profile and block every identifier it had (or the one named, if nobody has it)."""
        self.uses("suppress_person")
        p = self.resolve(who)
        if p is None:
            if who.kind != "cio_id":
                self.store.suppress([(who.kind, who.value)])
            self.outcome(EffectKind.SUPPRESSES_PERSON_NO_PERSON, identifier=f"{who.kind} {who.value}")
            return
        idents = [("cio_id", p.cio_id)]
        idents += [(k, v) for k, v in (("id", p.id), ("email", p.email), ("phone", p.phone)) if v]
        self.store.suppress(idents)
        self.outcome(EffectKind.SUPPRESSES_PERSON, (p, "suppressed (deleted)"))
        self._delete(p)

    def unsuppress(self, who: Ident) -> None:
        """Free the identifiers; the profile is not restored."""
        self.uses("unsuppress")
        freed = self.store.unsuppress(who.kind, who.value)
        holder = None if freed else self.resolve(who)
        kind = (
            EffectKind.UNSUPPRESSES
            if freed
            else (EffectKind.NOT_SUPPRESSED if holder else EffectKind.UNSUPPRESSES_NO_PERSON)
        )
        self.outcome(kind, *(((holder, "not suppressed"),) if holder else ()), identifier=f"{who.kind} {who.value}")

    def relate_all(self, p: Person, rels: object) -> None:
        """Relate ``p`` to the listed objects (``events.ActivityOps`` implements it)."""
        raise NotImplementedError
