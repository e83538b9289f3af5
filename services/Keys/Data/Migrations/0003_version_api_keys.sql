-- Every change to a key (revoked, narrowed, issuer deactivated or reactivated) bumps its version,
-- and the gateways' Redis entry is only ever replaced by a newer version: two changes racing each
-- other, or a lookup racing a change, cannot leave an older state cached.
ALTER TABLE api_keys ADD COLUMN version bigint NOT NULL DEFAULT 1;
