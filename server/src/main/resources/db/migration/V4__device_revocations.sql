-- SPDX-License-Identifier: AGPL-3.0-or-later
--
-- Version 4 (issue 18): device revocations outlive membership. A removed device's key is kept
-- here, apart from members and devices (no foreign key), so that leaving, being kicked and
-- joining again lose none of them: a revoked certificate never joins or signs in again.
-- revocation holds the identity key's signed DeviceRevocation (served to clients, who check it);
-- it is NULL when a device removed itself, which needs no signature and is enforced by the server
-- alone.
CREATE TABLE device_revocations (
    account_id      VARCHAR(60)  NOT NULL,
    device_key      ${blob}      NOT NULL,
    device_id       INTEGER      NOT NULL CHECK (device_id BETWEEN 1 AND 127),
    revocation      ${blob},
    revoked_at      BIGINT       NOT NULL,
    PRIMARY KEY (account_id, device_key)
);

-- Devices removed before this version: their rows still exist, so their keys are known.
INSERT INTO device_revocations (account_id, device_key, device_id, revocation, revoked_at)
SELECT account_id, device_key, device_id, NULL, revoked_at FROM devices WHERE revoked_at IS NOT NULL;
