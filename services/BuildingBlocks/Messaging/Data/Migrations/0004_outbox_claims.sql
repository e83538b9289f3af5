-- Which relay claimed a row still waiting for RabbitMQ's answer. A relay settles its claim only
-- while the row is still its own: one that settles late (its claim ran out and another replica
-- took the row meanwhile) leaves the other's claim alone.
ALTER TABLE outbox_messages ADD COLUMN claim uuid;
