-- 0007_mapping_digests: which version of its mapping file a sync cursor was reached with.
--
--   * sync_cursors.mapping_digest: a digest of the mapping file's text when the cursor was stored (NULL for
--     cursors that are not a mapping's, e.g. the change-event replay position, and for cursors stored before
--     this migration). The sync compares it with the file it runs with: a different digest means the admin
--     changed the mapping, so every record of that mapping is read again (a first load), and plans and usage
--     follow the new mapping without a manual resync.
-- Never edit this file once released; add 0008_... instead.

ALTER TABLE sync_cursors ADD COLUMN mapping_digest TEXT CHECK (mapping_digest IS NULL OR length(mapping_digest) = 32);
