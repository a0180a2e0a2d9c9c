-- What the last conversation update set on the conversation in Intercom (its custom attributes:
-- the source key under migration.source-attribute), as a SHA-256 of the update: NULL until one is
-- applied. A crash between the create and the update leaves it NULL, so a later run applies it;
-- an update that changes (another attribute name) is applied again, once.
ALTER TABLE MIGRATOR_CONVERSATION ADD COLUMN UPDATE_SHA VARCHAR(64);
