-- SPDX-License-Identifier: AGPL-3.0-or-later
--
-- Directory schema, version 2 on PostgreSQL: the full-text index over name (weight A), tags (B)
-- and description (C), a generated tsvector with a GIN index. The 'simple' configuration folds
-- case without language-specific stemming, so every language is searched alike.
ALTER TABLE communities ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', name), 'A')
    || setweight(to_tsvector('simple', tags), 'B')
    || setweight(to_tsvector('simple', description), 'C')
) STORED;
CREATE INDEX communities_search ON communities USING GIN (search);
