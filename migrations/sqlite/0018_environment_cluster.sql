-- An environment's Ballista cluster (`df://HOST:PORT`): the server's scheduled
-- and backfill runs of the environment run there (a build with the `cluster`
-- feature); NULL: in the server's own process. Previews always run locally.
ALTER TABLE environments ADD COLUMN cluster TEXT;
