"""The consistency checker's money rules: every ledger row, credit and refund reconciled
against the bookings (sums by ledger kind; no-show fee rows apart).

- deposit in: `paid` rows (a payment the booking did not accept, given back, aside) +
  `credit_applied` + what the booking it was moved from `carried` equal the deposit's
  `paid`; a move never carries more than the new booking's deposit;
- kept: the deposit's `kept` equals `forfeited` + `credit_expired` - `waived` - `refilled`;
- refunded: the deposit's `refunded` equals its `refund_due` rows;
- balance: what came in = kept + credited (`credit_issued` - `credit_expired`) + `carried`
  + `refund_due` + held, where only an open or completed booking holds its deposit;
- credits: for each CREDIT#<key>, issued - applied - lapsed is what the item has left
  (never below zero: one credit cannot pay twice), filed under the client it was given
  to and spent only by that client's bookings;
- card refunds: none recorded twice, never more than was owed back (a refund made outside
  keepslot, in the provider's Dashboard, shows here: the booking still counts that money),
  and the refunds a booking names are the ones in its ledger;
- no-show fees: settled once and only on a no-show; a charge is the booking's own fee on
  the intent it names, no more of it comes back than was charged; and a no-show with a
  fee has it charged, asked for, declined or waived, or a charge still pending.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

Item = dict[str, Any]
HOLDS_DEPOSIT = {"held", "pending_approval", "confirmed", "completed"}
HELD = {"paid", "pending"}  # deposit statuses whose money is still on the booking
FEE_SETTLED = ("fee_due", "fee_charged", "fee_declined")
FEE_JOB = "JOB#no_show_fee#"


def money_problems(items: list[Item], bookings: dict[str, Item]) -> list[str]:
    rows: dict[str, list[Item]] = defaultdict(list)
    for it in items:
        if it["SK"].startswith("LEDGER#"):
            rows[it["PK"].removeprefix("BOOKING#")].append(it)
    out = [f"ledger entries for a missing booking {bid}" for bid in sorted(rows - bookings.keys())]
    out += _deposits(bookings, rows)
    out += _credits(items, bookings, rows)
    out += _refunds(bookings, rows)
    out += _fees(items, bookings, rows)
    return out


def _sums(entries: list[Item]) -> Counter[str]:
    s: Counter[str] = Counter()
    for e in entries:
        s[str(e["kind"])] += int(e["amount"])
    return s


def _returned_payment(b: Item, entries: list[Item]) -> int:
    """Payments the booking did not accept (late, or not matching its deposit): recorded as
    received, and refunded in full (service/deposits.py)."""
    ref = b.get("payment_ref") or {}
    ids = {i for k in ("returned", "late_intent") for i in str(ref.get(k, "")).split(",") if i}
    return sum(int(e["amount"]) for e in entries if e["kind"] == "paid" and e.get("ref") in ids)


def _deposits(bookings: dict[str, Item], rows: dict[str, list[Item]]) -> list[str]:
    out = []
    for bid, b in bookings.items():
        dep, s = b["deposit"], _sums(rows.get(bid, []))
        came_in = s["paid"] - _returned_payment(b, rows.get(bid, [])) + s["credit_applied"]
        pred = b.get("rescheduled_from")
        carried_in = _sums(rows.get(pred, []))["carried"] if pred else 0
        came_in += carried_in  # a move brings what the old booking carried, all of it
        paid = int(dep["paid"])
        if came_in != paid:
            out.append(f"booking {bid}: deposit paid {paid}, the ledger says {came_in} came in")
        if carried_in > int(dep["amount"]):
            out.append(
                f"booking {bid}: a move carried {carried_in} into a deposit of {dep['amount']}"
            )
        kept = s["forfeited"] + s["credit_expired"] - s["waived"] - s["refilled"]
        if int(dep.get("kept", 0)) != kept:
            out.append(
                f"booking {bid}: kept {dep.get('kept', 0)}, the ledger says {kept} "
                f"(forfeited {s['forfeited']}, credit expired {s['credit_expired']}, "
                f"waived {s['waived']}, refilled {s['refilled']})"
            )
        if int(dep.get("refunded", 0)) != s["refund_due"]:
            out.append(
                f"booking {bid}: refunded {dep.get('refunded', 0)}, "
                f"the ledger owes back {s['refund_due']}"
            )
        if dep["status"] in HELD and b["status"] not in HOLDS_DEPOSIT:
            out.append(f"{b['status']} booking {bid} still holds its {dep['status']} deposit")
        held = paid if dep["status"] in HELD and b["status"] in HOLDS_DEPOSIT else 0
        credited = s["credit_issued"] - s["credit_expired"]
        gone = kept + credited + s["carried"] + s["refund_due"] + held
        if came_in != gone:
            out.append(
                f"{b['status']} booking {bid}: {came_in} came in, but kept {kept} + credited "
                f"{credited} + carried {s['carried']} + owed back {s['refund_due']} + held "
                f"{held} = {gone}"
            )
    return out


def _credits(
    items: list[Item], bookings: dict[str, Item], rows: dict[str, list[Item]]
) -> list[str]:
    issued: Counter[str] = Counter()
    applied: Counter[str] = Counter()
    expired: Counter[str] = Counter()
    giver: dict[str, str] = {}
    spenders: dict[str, set[str]] = defaultdict(set)
    for bid, entries in rows.items():
        for e in entries:
            key, amount = str(e.get("ref") or bid), int(e["amount"])
            if e["kind"] == "credit_issued":
                issued[key] += amount
                giver[key] = bid
            elif e["kind"] == "credit_applied":
                applied[key] += amount
                spenders[key].add(bid)
            elif e["kind"] == "credit_expired":
                expired[key] += amount
    stored = {
        it["SK"].removeprefix("CREDIT#"): it for it in items if it["SK"].startswith("CREDIT#")
    }
    out = []
    for key in sorted(set(issued) | set(applied) | set(expired) | set(stored)):
        left = issued[key] - applied[key] - expired[key]
        have = int(stored[key]["amount"]) if key in stored else 0
        if left < 0:
            out.append(
                f"credit {key}: issued {issued[key]}, but {applied[key]} was spent "
                f"(by {sorted(spenders[key])}) and {expired[key]} lapsed"
            )
        elif have != left:
            out.append(f"credit {key}: the item has {have} left, the ledger says {left}")
        owner = bookings.get(giver.get(key, ""))
        if owner is None:
            continue  # a credit no booking issued shows as a mismatch above
        client = _client(owner)
        if key in stored and stored[key]["PK"] != f"CLIENT#{client}":
            out.append(f"credit {key} of {client} is filed under {stored[key]['PK']}")
        for bid in sorted(spenders[key]):
            spender = bookings.get(bid)
            if spender is not None and _client(spender) != client:
                out.append(f"credit {key} of {client} paid booking {bid} of {_client(spender)}")
    return out


def _client(b: Item) -> str:
    """The client key a booking's credits are filed under. An erased client's bookings say
    `<pseudonym>@invalid`; their credits stay under the pseudonym (dynamo/erasure.py)."""
    return str(b["client"]["email"]).strip().lower().removesuffix("@invalid")


def _refunds(bookings: dict[str, Item], rows: dict[str, list[Item]]) -> list[str]:
    out = []
    for bid, b in bookings.items():
        entries = rows.get(bid, [])
        refs = Counter(str(e["ref"]) for e in entries if e["kind"] in ("refunded", "fee_refunded"))
        out += [
            f"booking {bid}: refund {ref} recorded {n} times" for ref, n in refs.items() if n > 1
        ]
        s = _sums(entries)
        owed = s["refund_due"] + _returned_payment(b, entries)
        back = s["refunded"] - s["refund_failed"]  # a failed refund never reached the card
        if back > owed:
            out.append(f"booking {bid}: {back} refunded to the card, {owed} owed back")
        named = {r for r in (b.get("payment_ref") or {}).get("refunds", "").split(",") if r}
        if named != set(refs):
            out.append(f"booking {bid}: names refunds {sorted(named)}, ledger has {sorted(refs)}")
    return out


def _fees(items: list[Item], bookings: dict[str, Item], rows: dict[str, list[Item]]) -> list[str]:
    pending = {
        it["PK"].removeprefix("BOOKING#")
        for it in items
        if it["SK"].startswith(FEE_JOB) and it.get("GSI2PK") == "DUE"
    }
    out = []
    for bid, b in bookings.items():
        entries = [e for e in rows.get(bid, []) if str(e["kind"]).startswith("fee_")]
        fee, ref = int(b["terms"]["no_show_fee"]), b.get("payment_ref") or {}
        if not entries:
            if b["status"] == "no_show" and fee and bid not in pending:
                out.append(f"no_show booking {bid}: its fee of {fee} was never asked for")
            continue
        kinds = Counter(str(e["kind"]) for e in entries)
        amount = _sums(entries)
        if b["status"] != "no_show":
            out.append(f"{b['status']} booking {bid} has fee entries {dict(kinds)}")
        settled = sum(kinds[k] for k in FEE_SETTLED)
        if settled > 1 or (settled == 0 and not kinds["fee_waived"]):
            out.append(f"booking {bid}: the fee is settled {dict(kinds)} (want exactly once)")
        charged = [e for e in entries if e["kind"] == "fee_charged"]
        if charged and (amount["fee_charged"] != fee or ref.get("fee_intent") != charged[0]["ref"]):
            out.append(f"booking {bid}: charged {charged[0]} for a fee of {fee}, ref {ref}")
        if amount["fee_refunded"] > amount["fee_charged"]:
            out.append(f"booking {bid}: fee refunded {amount['fee_refunded']} of {dict(amount)}")
    return out
