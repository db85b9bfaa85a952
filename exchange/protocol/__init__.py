"""What the exchange and its peers (province nodes, the gateway) share on the wire: service tokens and the
shapes of the exchange API (``PROTOCOL.md`` beside this package describes every endpoint)."""
