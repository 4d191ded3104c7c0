-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Direct messages already taken, so a copy delivered again is dropped before it is decrypted
-- (docs/client.md "Local store"). idx is the blind index of (sender, message id); day (days since
-- 1970-01-01 UTC) is clear so that old marks can be pruned, and says no more than messages.sent_at.
CREATE TABLE seen_messages (
    idx BLOB PRIMARY KEY,
    day INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX seen_messages_by_day ON seen_messages (day);
