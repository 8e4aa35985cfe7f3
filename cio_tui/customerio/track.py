"""Track API v1 and v2 operations (Basic auth: site id + Track key). Every path identifier comes from
``Identifier.path_segment()`` and every body identifier from ``Identifier.body()``."""

from __future__ import annotations

import json
from typing import Any

from cio_tui.customerio.errors import CustomerIOError, InvalidInputError, parse_error_body
from cio_tui.customerio.http import ApiHttp
from cio_tui.customerio.identifiers import Identifier
from cio_tui.customerio.models import BatchItemError, BatchResult, RegionInfo

V1 = "/api/v1"
V2 = "/api/v2"
MAX_OP_BYTES = 32 * 1024
MAX_BATCH_BYTES = 500 * 1024
_BATCH_OVERHEAD = len(b'{"batch":[]}')


def _size(obj: object) -> int:
    return len(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode())


def plan_batches(operations: list[dict[str, Any]]) -> tuple[list[list[int]], list[BatchItemError]]:
    """Split operations into chunks under the batch size limit. Ops over 32 KB become errors, never sent."""
    chunks: list[list[int]] = []
    errors: list[BatchItemError] = []
    current: list[int] = []
    size = _BATCH_OVERHEAD
    for index, op in enumerate(operations):
        op_size = _size(op)
        if op_size > MAX_OP_BYTES:
            errors.append(
                BatchItemError(
                    batch_index=index,
                    reason="too_large",
                    message=f"operation is {op_size} bytes; Customer.io accepts at most {MAX_OP_BYTES} per operation",
                )
            )
            continue
        if current and size + op_size + 1 > MAX_BATCH_BYTES:
            chunks.append(current)
            current, size = [], _BATCH_OVERHEAD
        current.append(index)
        size += op_size + 1
    if current:
        chunks.append(current)
    return chunks, errors


class TrackMixin:
    _track: ApiHttp

    # -- v1 ---------------------------------------------------------------------------------------------
    async def region(self) -> RegionInfo:
        """``GET /api/v1/accounts/region``: the workspace's region, Track URL and environment id."""
        data = await self._track.get_json(f"{V1}/accounts/region", "region check")
        return RegionInfo.model_validate(data)

    async def identify(self, who: Identifier, attributes: dict[str, Any]) -> None:
        """``PUT /api/v1/customers/{identifier}`` with flat attributes (may carry ``id``/``email`` changes)."""
        await self._track.request("PUT", who.customer_path(), "identify", write=True, json=dict(attributes))

    async def delete(self, who: Identifier) -> None:
        await self._track.request("DELETE", who.customer_path(), "delete", write=True)

    async def suppress(self, who: Identifier) -> None:
        await self._track.request("POST", who.customer_path("suppress"), "suppress", write=True)

    async def unsuppress(self, who: Identifier) -> None:
        await self._track.request("POST", who.customer_path("unsuppress"), "unsuppress", write=True)

    async def merge(self, primary: Identifier, secondary: Identifier) -> None:
        """``POST /api/v1/merge_customers``: the secondary is deleted for good, the primary survives."""
        if primary == secondary:
            raise InvalidInputError(message="Track API merge: primary and secondary are the same person", api="track")
        body = {"primary": primary.body(), "secondary": secondary.body()}
        await self._track.request("POST", f"{V1}/merge_customers", "merge", write=True, json=body)

    async def track_event(self, who: Identifier, name: str, data: dict[str, Any] | None = None) -> None:
        """``POST /api/v1/customers/{identifier}/events``."""
        if not name or len(name.encode()) > 100:
            raise InvalidInputError(message="Track API event: the name must be 1 to 100 bytes", api="track")
        body: dict[str, Any] = {"name": name}
        if data:
            body["data"] = data
        await self._track.request("POST", who.customer_path("events"), "track event", write=True, json=body)

    # -- v2 ---------------------------------------------------------------------------------------------
    async def entity(self, operation: dict[str, Any]) -> None:
        """``POST /api/v2/entity``: one operation (< 32 KB)."""
        if _size(operation) > MAX_OP_BYTES:
            raise InvalidInputError(
                message=f"Track API entity: the operation is over {MAX_OP_BYTES} bytes", api="track"
            )
        await self._track.request("POST", f"{V2}/entity", "entity", write=True, json=operation)

    async def batch(self, operations: list[dict[str, Any]]) -> BatchResult:
        """``POST /api/v2/batch``, split into requests under 500 KB. 207 partial failures are mapped back to the
        indexes of ``operations``; indexes not in ``errors`` were accepted.

        If a later request fails as a whole, the error carries ``partial`` (a BatchResult of what was sent before).
        """
        chunks, errors = plan_batches(operations)
        accepted: list[int] = []
        for chunk in chunks:
            body = {"batch": [operations[i] for i in chunk]}
            try:
                resp = await self._track.request("POST", f"{V2}/batch", "batch", write=True, json=body)
            except CustomerIOError as exc:
                exc.partial = BatchResult(accepted=accepted, errors=errors)
                raise
            failed: set[int] = set()
            if resp.status_code == 207:
                for detail in parse_error_body(ApiHttp.json_body(resp)):
                    if detail.batch_index is None or not 0 <= detail.batch_index < len(chunk):
                        continue
                    original = chunk[detail.batch_index]
                    failed.add(original)
                    errors.append(
                        BatchItemError(
                            batch_index=original, reason=detail.code, field=detail.field, message=detail.message
                        )
                    )
            accepted.extend(i for i in chunk if i not in failed)
        errors.sort(key=lambda e: e.batch_index)
        return BatchResult(accepted=sorted(accepted), errors=errors)


__all__ = ["TrackMixin", "plan_batches"]
