"""LAPOR! v3 simulator: a real HTTP server that stands in for SP4N-LAPOR! in tests and demos.

It serves the calls the kiosk's adapter makes (upload, create, detail, follow-ups, masters,
reference search), moves reports through their statuses, and offers `/_sim/...` test
endpoints that are never authenticated or faulted. On request it misbehaves as a broken
network or API would: failures with odd `Retry-After` values, lost answers, redirects,
answers trickled a few bytes at a time, surprising JSON shapes and a lagging search.

A tool beside the product, not part of it: it uses a few of the kiosk's helpers (TOML files,
stop signals, child processes, the demo credentials of `kiosk.demo_settings`), but the kiosk
imports it only late, in the three verbs that run it (`kiosk lapor-sim`, `kiosk demo`,
`kiosk bench queue`). `python -m lapor_sim` runs it on its own.

Modules: `options` (settings, also the command line's only declaration), `routes` (what each
endpoint answers), `handlers` (HTTP plumbing), `wire` (answer bytes, trickling), `shapes`
(odd JSON bodies), `server` (threads), `store` (SQLite state), `lifecycle` (status moves),
`validation`, `multipart`, `traffic` (faults and counts), `masters`, `clock`,
`config_writer`, `cli`, `process` (a simulator in a subprocess: tests, the demo, benchmarks).

Everything below is ASSUMED (no public spec confirms it) and marked `# ASSUMED:` in code:
- `GET /masters/categories`, `/masters/locations` and `/masters/templates` exist; every
  master list ignores `page_size` and is answered whole; template entries are `{id, name}`.
- `GET /complaints/search?reference=REF` exists and matches whole `tags_raw` tokens (with or
  without `#`) or any substring of `content`.
- Which create fields are required, their limits (title 1..150, content 10..10000 chars),
  classification ids 1..4, `YYYY-MM-DD` incident dates, and that extra fields are ignored.
- Tracking ids look like `LAP` + 7 digits; Ditolak has status code 4; unrouted reports go to
  "Dinas Komunikasi dan Informatika" with id 100 (not in the masters); the kiosk channel's
  institution appears in logs as "Pemerintah Kota (Kanal Kiosk MPP)".
- Dates are WIB (UTC+7); "not in the future" is judged in WIT (UTC+9), the latest local date
  in Indonesia.
- Upload limit 20 MB per file (the simulator's own); injected failures answer JSON bodies.
- Reports may go (`disposition_id`) to the offices of each city the kiosk ships a file for
  (its agencies, and its kecamatan and kelurahan offices under the digits of their Kemendagri
  codes), which `/masters/institutions/external` does not list; region data is cached in
  `~/.cache/lapor-sim`.
"""

from lapor_sim.options import SimulatorOptions
from lapor_sim.server import RunningSimulator, start_simulator

__all__ = ["RunningSimulator", "SimulatorOptions", "start_simulator"]
