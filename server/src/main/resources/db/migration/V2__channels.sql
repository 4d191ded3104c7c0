-- SPDX-License-Identifier: AGPL-3.0-or-later
--
-- Version 2 (issue 6): speaking conditions. A channel may carry conditions a member must meet to
-- write in it (seed 004's gated speaking), at most one of each kind. The value's meaning depends
-- on the kind: a role wire name for 'min_role', whole seconds for 'min_membership_age'. New
-- kinds (e.g. a wallet balance) are new kind values, not new columns.
CREATE TABLE channel_conditions (
    channel_id      ${uuid}      NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    kind            VARCHAR(30)  NOT NULL,
    value           VARCHAR(100) NOT NULL,
    PRIMARY KEY (channel_id, kind)
);

-- The audit page filters by action as well as by actor and target.
CREATE INDEX audit_log_action ON audit_log (action, created_at);
