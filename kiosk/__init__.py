"""LAPOR! accessible kiosk: dialog engine, durable complaint store, forwarder and API adapters."""
