-- Which node made each delivery attempt: operators see how work spreads over the cluster.
ALTER TABLE delivery_attempts ADD COLUMN node text;
