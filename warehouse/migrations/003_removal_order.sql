-- Where each removal stood in the original document: before the kept passage at this position
-- (or after the last passage when equal to their count). Lets an audit rebuild the original
-- order of kept and removed text. NULL for rows landed before this migration.
ALTER TABLE removals ADD COLUMN before_passage INTEGER;
