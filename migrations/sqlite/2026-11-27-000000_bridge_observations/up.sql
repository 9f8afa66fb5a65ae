-- What bridgebook learns from a bridge itself: its own price list as a capacity model (a
-- Conductor's ServiceCost), used by the planner instead of the configured one, and what its
-- last health answer said (load, conferences running), for administrators.
ALTER TABLE bridges ADD COLUMN priced_capacity TEXT;
ALTER TABLE bridges ADD COLUMN health TEXT;

-- How the management certificate is checked ({"verify": bool, "ca_file": path}); NULL is
-- the default, verified against the public roots.
ALTER TABLE bridges ADD COLUMN tls TEXT;
