-- SPDX-License-Identifier: AGPL-3.0-or-later
--
-- Directory schema, version 2 on SQLite: the full-text index over name, description and tags
-- (FTS5; its rowid is communities.seq, kept in step by DirectoryStore in the same transaction).
-- unicode61 folds case and diacritics, so search is not English-only.
CREATE VIRTUAL TABLE community_search USING fts5(
    name, description, tags,
    tokenize = 'unicode61 remove_diacritics 2'
);
