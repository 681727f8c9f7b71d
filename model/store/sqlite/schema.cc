#include "model/store/sqlite/schema.h"

#include <string>
#include <vector>

#include "model/store/sqlite/database.h"

namespace wikid {
namespace {

// Migrations, oldest first; entry i takes user_version i to i+1. Never edit
// a migration that has shipped: add a new one.
const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> kMigrations = {
      // 1: pages, their immutable revisions, and the wiki links of each
      // revision.
      R"sql(
      -- A page is a name and a pointer to its newest revision.
      CREATE TABLE page (
        id INTEGER PRIMARY KEY,        -- stable id, never reused
        name TEXT NOT NULL UNIQUE,     -- canonical title: NFC, spaces, case kept
        latest_rev INTEGER NOT NULL    -- number of the newest revision (>= 1)
      ) STRICT;
      -- The page list is alphabetical, ignoring ASCII case; ties by name.
      CREATE INDEX page_alphabetical ON page (name COLLATE NOCASE, name);

      -- Every save is a new row; rows are never updated or deleted.
      CREATE TABLE revision (
        id INTEGER PRIMARY KEY,
        page_id INTEGER NOT NULL REFERENCES page(id),
        rev INTEGER NOT NULL,          -- 1, 2, 3... per page, no gaps
        author TEXT NOT NULL,          -- client address (user name later)
        created_at INTEGER NOT NULL,   -- unix time in seconds, UTC
        summary TEXT NOT NULL,         -- the edit summary, may be empty
        text TEXT NOT NULL,            -- full Markdown source of this revision
        size INTEGER NOT NULL,         -- bytes of text
        size_change INTEGER NOT NULL,  -- size minus the previous revision's
        UNIQUE (page_id, rev)          -- one lookup for a page view; history
                                       -- pages are a range scan of it
      ) STRICT;

      -- The [[wiki link]] targets of each revision, so a page view learns
      -- which of its links exist in the same query that reads its text.
      CREATE TABLE revision_link (
        revision_id INTEGER NOT NULL REFERENCES revision(id),
        target TEXT NOT NULL,          -- canonical page name linked to
        PRIMARY KEY (revision_id, target)
      ) STRICT, WITHOUT ROWID;
      )sql",
      // 2: accounts, and which account saved a revision.
      R"sql(
      CREATE TABLE account (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,              -- as typed at signup, case kept
        name_key TEXT NOT NULL UNIQUE,   -- lowercased: unique regardless of case
        password_hash TEXT NOT NULL,     -- argon2id PHC string (crypto_pwhash_str)
        email TEXT NOT NULL DEFAULT '',  -- optional; '' when none
        role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
        disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at INTEGER NOT NULL      -- unix time in seconds, UTC
      ) STRICT;

      -- The account that saved a revision; NULL for an anonymous edit,
      -- whose author column keeps the client address.
      ALTER TABLE revision ADD COLUMN account_id INTEGER REFERENCES account(id);
      )sql",
      // 3: login sessions.
      R"sql(
      -- A browser's login. The cookie holds a random 256-bit token; only
      -- its hash is kept, so a copy of the database logs nobody in.
      CREATE TABLE session (
        token_hash BLOB PRIMARY KEY,     -- BLAKE2b-256 of the token
        account_id INTEGER NOT NULL REFERENCES account(id),
        created_at INTEGER NOT NULL,     -- unix time in seconds, UTC
        expires_at INTEGER NOT NULL      -- no longer valid from this time on
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX session_by_account ON session (account_id);
      )sql",
      // 4: profiles, page protection, login throttling, and contributions.
      R"sql(
      ALTER TABLE account ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
                                       -- shown instead of the name; '' for none
      ALTER TABLE account ADD COLUMN bio TEXT NOT NULL DEFAULT '';
                                       -- Markdown, rendered like page text

      -- 1: only admins may save this page.
      ALTER TABLE page ADD COLUMN protected INTEGER NOT NULL DEFAULT 0
        CHECK (protected IN (0, 1));

      -- A user's contributions, newest first, and their edit count.
      CREATE INDEX revision_by_account ON revision (account_id, id)
        WHERE account_id IS NOT NULL;

      -- One row per failed login and per thing it counts against (the
      -- account name tried, the client address), pruned as they age out of
      -- the throttle's window. Shared by all workers, so the limit holds
      -- whichever worker a client reaches.
      CREATE TABLE login_failure (
        id INTEGER PRIMARY KEY,
        scope TEXT NOT NULL,           -- 'name:alice' or 'addr:192.0.2.1'
        at INTEGER NOT NULL            -- unix time in seconds, UTC
      ) STRICT;
      CREATE INDEX login_failure_by_scope ON login_failure (scope, at);
      CREATE INDEX login_failure_by_time ON login_failure (at);

      -- Expired sessions are deleted when new ones start.
      CREATE INDEX session_by_expiry ON session (expires_at);
      )sql",
      // 5: the mail outbox.
      R"sql(
      -- One row per message to one recipient, written in the transaction of
      -- the event that causes it (a signup, a save), so a committed event
      -- always has its mail and a rolled-back one never does. The mailer
      -- process sends them; rows are kept after sending, for /_admin/mail.
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        message_id TEXT NOT NULL UNIQUE, -- "<...@...>", the same on every attempt
        recipient TEXT NOT NULL,         -- one address, checked when queued
        subject TEXT NOT NULL,           -- as written, before RFC 2047 encoding
        body TEXT NOT NULL,              -- plain text, LF line ends
        created_at INTEGER NOT NULL,     -- unix time in seconds, UTC
        state TEXT NOT NULL DEFAULT 'queued'
          CHECK (state IN ('queued', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,  -- SMTP deliveries tried
        next_attempt_at INTEGER NOT NULL,     -- when a queued row is due
        last_error TEXT NOT NULL DEFAULT '',  -- why the last attempt failed
        sent_at INTEGER                       -- when the server accepted it
      ) STRICT;
      CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'queued';

      -- Every delivery attempt, so the retry schedule can be seen (and tested).
      CREATE TABLE outbox_attempt (
        outbox_id INTEGER NOT NULL REFERENCES outbox(id),
        at INTEGER NOT NULL,             -- unix time in seconds, UTC
        error TEXT NOT NULL              -- '' when the server accepted it
      ) STRICT;
      CREATE INDEX outbox_attempt_by_message ON outbox_attempt (outbox_id, at);
      )sql",
      // 6: the links of each page's latest revision, for "what links here",
      // wanted pages and orphans.
      R"sql(
      -- Rewritten in the transaction of every save of the source page, so it
      -- always matches the latest revisions (revision_link keeps them all).
      CREATE TABLE page_link (
        source_id INTEGER NOT NULL REFERENCES page(id),  -- the linking page
        target TEXT NOT NULL,   -- canonical page name linked to; may not exist
        PRIMARY KEY (source_id, target)
      ) STRICT, WITHOUT ROWID;
      -- "What links here" and orphans look links up by target.
      CREATE INDEX page_link_by_target ON page_link (target, source_id);
      INSERT INTO page_link (source_id, target)
        SELECT p.id, l.target
          FROM page p
          JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
          JOIN revision_link l ON l.revision_id = r.id;
      )sql",
      // 7: full-text search over page names and latest texts.
      R"sql(
      -- One row per page (rowid = page.id): its name and its latest text,
      -- replaced in the transaction of every save; `wikid reindex` rebuilds
      -- it. unicode61 with remove_diacritics 2 folds case and accents, so
      -- "cafe" finds "CAFÉ". FTS5 keeps its own copy of the text, which
      -- snippet() reads.
      CREATE VIRTUAL TABLE page_search USING fts5(
        title, body, tokenize = 'unicode61 remove_diacritics 2');
      INSERT INTO page_search (rowid, title, body)
        SELECT p.id, p.name, r.text
          FROM page p JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev;
      )sql",
      // 8: API tokens, for programs using the JSON API.
      R"sql(
      -- Made by an account's owner on their profile and shown once; only
      -- the hash is kept. A token acts as its account until revoked.
      CREATE TABLE api_token (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES account(id),
        label TEXT NOT NULL,              -- what the owner called it
        token_hash BLOB NOT NULL UNIQUE,  -- BLAKE2b-256 of the token
        created_at INTEGER NOT NULL       -- unix time in seconds, UTC
      ) STRICT;
      CREATE INDEX api_token_by_account ON api_token (account_id);
      )sql",
      // 9: each account's number of revisions, kept as a counter.
      R"sql(
      -- Revisions saved by the account: counted once here, then raised in
      -- each save's transaction, so a profile view counts nothing.
      ALTER TABLE account ADD COLUMN edit_count INTEGER NOT NULL DEFAULT 0;
      UPDATE account SET edit_count =
        (SELECT count(*) FROM revision r WHERE r.account_id = account.id);
      )sql",
      // 10: wanted pages, counted as links come and go.
      R"sql(
      -- Each name that latest revisions link to and no page has, with how
      -- many pages link to it: kept by every save (and page creation), so
      -- /_wanted reads a window of an index instead of grouping every link
      -- of the wiki on each request.
      CREATE TABLE wanted (
        target TEXT PRIMARY KEY,                   -- a canonical page name
        links INTEGER NOT NULL CHECK (links > 0)   -- pages linking to it
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX wanted_most_linked ON wanted (links DESC, target);
      INSERT INTO wanted (target, links)
        SELECT k.target, count(*) FROM page_link k
         WHERE NOT EXISTS (SELECT 1 FROM page p WHERE p.name = k.target)
         GROUP BY k.target;
      )sql",
      // 11: backlinks in the page list's order, by one index range.
      R"sql(
      -- The linking page's name beside its id, so "what links here" walks
      -- (target, name) from its cursor instead of reading, joining and
      -- sorting every backlink of a much-linked page.
      ALTER TABLE page_link ADD COLUMN source_name TEXT NOT NULL DEFAULT '';
      UPDATE page_link SET source_name = (SELECT name FROM page WHERE id = source_id);
      CREATE INDEX page_link_backlinks
        ON page_link (target, source_name COLLATE NOCASE, source_name);
      )sql",
      // 12: search that stays bounded as the wiki grows.
      R"sql(
      -- Prefix indexes of 2 and 3 characters: "wo*" reads one list instead
      -- of merging, in memory, the list of every word that starts so (a
      -- second at 100,000 pages); longer prefixes merge only the few words
      -- past them. Rebuilt in one go, which also packs the index that
      -- years of single saves left in many small segments.
      DROP TABLE page_search;
      CREATE VIRTUAL TABLE page_search USING fts5(
        title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
      INSERT INTO page_search (rowid, title, body)
        SELECT p.id, p.name, r.text
          FROM page p JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev;
      -- Page names alone (rowid = page.id), so that "names first" reads
      -- the names that match, not every text that does.
      CREATE VIRTUAL TABLE page_title_search USING fts5(
        title, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
      INSERT INTO page_title_search (rowid, title) SELECT id, name FROM page;
      )sql",
      // 13: the words of the search index (search_words.h).
      R"sql(
      -- Every word of four characters or more the index holds, so that a
      -- prefix that long reads the lists of the words that start with it
      -- instead of merging them all; filled once from FTS5's own list.
      CREATE TABLE search_word (word TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
      CREATE VIRTUAL TABLE temp.page_search_words USING fts5vocab(main, page_search, row);
      INSERT INTO search_word (word)
        SELECT term FROM temp.page_search_words WHERE length(term) >= 4;
      DROP TABLE temp.page_search_words;
      )sql",
      // 14: mail claimed with a lease (outbox.h), so that mailers on
      // several hosts never send one message twice.
      R"sql(
      ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
      -- Unix seconds until which claimed_by alone may send it; 0: unclaimed.
      ALTER TABLE outbox ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
      -- Which mailer ("host:pid") made the attempt.
      ALTER TABLE outbox_attempt ADD COLUMN mailer TEXT NOT NULL DEFAULT '';
      )sql",
      // 15: the site's secret keys (site_key_store.h), shared by every host.
      R"sql(
      CREATE TABLE site_key (
        id INTEGER PRIMARY KEY,        -- the newest signs forms
        secret BLOB NOT NULL,          -- 32 random bytes
        created_at INTEGER NOT NULL    -- unix time in seconds, UTC
      ) STRICT;
      )sql",
      // 16: the search index without its own copy of every text.
      R"sql(
      -- FTS5 kept a copy of each page's latest text (page_search_content,
      -- 30% of the file at 10,000 pages) beside revision.text. Now it
      -- reads the text where it lives (an external content table over
      -- this view), only for the hits a search shows. The index must
      -- always hold exactly what the view shows: a save removes its page's
      -- entry while the view still shows the old revision, then adds the
      -- new text, in the same transaction (sqlite_page_search.cc).
      CREATE VIEW page_search_source (page_id, title, body) AS
        SELECT p.id, p.name, r.text
          FROM page p JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev;
      DROP TABLE page_search;
      CREATE VIRTUAL TABLE page_search USING fts5(
        title, body, content = 'page_search_source', content_rowid = 'page_id',
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
      INSERT INTO page_search (page_search) VALUES ('rebuild');
      -- While `wikid reindex` runs (or after it was interrupted): pages
      -- with ids up to indexed_through are in the rebuilt index and saves
      -- keep them there; later ones wait for their batch.
      CREATE TABLE search_rebuild (
        id INTEGER PRIMARY KEY CHECK (id = 1),   -- one row at most
        indexed_through INTEGER NOT NULL         -- a page id
      ) STRICT;
      )sql",
      // 17: a prefix list of four characters too.
      R"sql(
      -- "wodi*" read the lists of every word starting so (search_word), and
      -- showing a hit looked each of those words up in every segment of the
      -- index: 45 ms at 100,000 pages on an index as saves leave it. A list
      -- of its own makes it one lookup (about 1.4 KB a page), in both
      -- indexes; the words of search_word serve prefixes of five
      -- characters or more.
      DROP TABLE page_search;
      CREATE VIRTUAL TABLE page_search USING fts5(
        title, body, content = 'page_search_source', content_rowid = 'page_id',
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4');
      INSERT INTO page_search (page_search) VALUES ('rebuild');
      DELETE FROM search_rebuild;  -- an interrupted reindex is done now
      -- Names are searched with the same queries.
      DROP TABLE page_title_search;
      CREATE VIRTUAL TABLE page_title_search USING fts5(
        title, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4');
      INSERT INTO page_title_search (rowid, title) SELECT id, name FROM page;
      -- The words of five characters or more that the rebuilt index holds
      -- (as `wikid reindex` leaves them: one interrupted had not yet).
      CREATE VIRTUAL TABLE temp.page_search_words USING fts5vocab(main, page_search, row);
      DELETE FROM search_word
       WHERE length(word) < 5 OR word NOT IN (SELECT term FROM temp.page_search_words);
      INSERT OR IGNORE INTO search_word (word)
        SELECT term FROM temp.page_search_words WHERE length(term) >= 5;
      DROP TABLE temp.page_search_words;
      )sql",
      // 18: the cache epoch, shared by every host (cache_epoch_store.h).
      R"sql(
      -- Part of the stamp of every view wikid caches (model/cache/
      -- versions.h): advanced when memcached does not confirm that a save
      -- moved its views' numbers, which retires every view on every host.
      CREATE TABLE cache_epoch (
        id INTEGER PRIMARY KEY CHECK (id = 1),   -- one row
        epoch INTEGER NOT NULL                   -- only ever grows
      ) STRICT;
      -- A random start: a wiki made again under the same memcached never
      -- meets the views of the one before.
      INSERT INTO cache_epoch VALUES (1, random() & 0x3fffffffffffffff);
      )sql",
      // 19: names that differ only in letter case name one page.
      R"sql(
      -- PageKey(name) (model/text/page_name.h): the name with simple case
      -- folding, in NFC. A link, an address or a search in another case finds the page
      -- by it. Not unique: a database may hold names that differ only in
      -- case from before this version (an exact name is found first);
      -- saves refuse to make new ones.
      ALTER TABLE page ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
      UPDATE page SET name_key = wikid_page_key(name);
      -- Ordered by name too: a key shared by two pages finds the first.
      CREATE INDEX page_by_key ON page (name_key, name);

      -- Links are looked up by the key of what they name: what links here
      -- and orphans by index ranges of it, as they were by target. The old
      -- indexes go first: an UPDATE of every row keeps each index it
      -- touches up to date (23.7 s for a million links with them, 1.5 s
      -- without).
      DROP INDEX page_link_by_target;
      DROP INDEX page_link_backlinks;
      ALTER TABLE page_link ADD COLUMN target_key TEXT NOT NULL DEFAULT '';
      UPDATE page_link SET target_key = wikid_page_key(target);
      CREATE INDEX page_link_by_target_key ON page_link (target_key, source_id);
      CREATE INDEX page_link_backlinks_by_key
        ON page_link (target_key, source_name COLLATE NOCASE, source_name);
      -- A page keeps one link per key (saves keep the first, by name).
      DELETE FROM page_link
       WHERE EXISTS (SELECT 1 FROM page_link o
                      WHERE o.source_id = page_link.source_id
                        AND o.target_key = page_link.target_key
                        AND o.target < page_link.target);
      -- Wanted pages by key, as pages are: "Nowhere" linked from one page
      -- and "nowhere" from another are one missing page, linked twice.
      DROP TABLE wanted;
      CREATE TABLE wanted (
        target_key TEXT PRIMARY KEY,               -- PageKey(target)
        target TEXT NOT NULL,                      -- as a link spelt it
        links INTEGER NOT NULL CHECK (links > 0)   -- pages linking to it
      ) STRICT, WITHOUT ROWID;
      -- Names are unique as keys are (one key per name).
      CREATE INDEX wanted_most_linked ON wanted (links DESC, target);
      INSERT INTO wanted (target_key, target, links)
        SELECT k.target_key, min(k.target), count(*) FROM page_link k
         WHERE NOT EXISTS (SELECT 1 FROM page p WHERE p.name_key = k.target_key)
         GROUP BY k.target_key;
      )sql",
      // 20: the fast path's state, shared by every host (fast_path_store.h).
      R"sql(
      CREATE TABLE fast_path_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        generation INTEGER NOT NULL,   -- in every key nginx reads; never 0
        phase TEXT NOT NULL CHECK (phase IN ('off', 'announced', 'serving')),
        doubted INTEGER NOT NULL,      -- off because memcached did not confirm
        why TEXT NOT NULL              -- what turned it off, for operators
      ) STRICT;
      INSERT INTO fast_path_state VALUES (1, 1, 'off', 0, 'new');
      )sql",
      // 21: uploaded files, their revisions and their bytes (file_store.h
      // says why the bytes live here).
      R"sql(
      -- A file is a name and a pointer to its newest revision, as a page is.
      CREATE TABLE file (
        id INTEGER PRIMARY KEY,        -- stable id, never reused
        name TEXT NOT NULL UNIQUE,     -- canonical: FileName (NFC, spaces, extension)
        name_key TEXT NOT NULL,        -- PageKey(name): a new file may not differ
                                       -- from an existing one in letter case only
        latest_rev INTEGER NOT NULL    -- number of the newest revision (>= 1)
      ) STRICT;
      -- /_files is alphabetical, ignoring ASCII case; ties by name.
      CREATE INDEX file_alphabetical ON file (name COLLATE NOCASE, name);
      CREATE INDEX file_by_key ON file (name_key);

      -- The bytes of every upload, once per content. Written in the
      -- transaction of the first revision that has them; never updated.
      -- A rowid table: SQLite keeps large values best in one (WITHOUT
      -- ROWID tables want small rows).
      CREATE TABLE file_blob (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,   -- of bytes, 64 lower-case hex digits
        size INTEGER NOT NULL,         -- length(bytes)
        bytes BLOB NOT NULL
      ) STRICT;

      -- Every upload (and restore) is a new row; rows are never updated or
      -- deleted.
      CREATE TABLE file_revision (
        id INTEGER PRIMARY KEY,
        file_id INTEGER NOT NULL REFERENCES file(id),
        rev INTEGER NOT NULL,          -- 1, 2, 3... per file, no gaps
        author TEXT NOT NULL,          -- account name, or the client address
        account_id INTEGER REFERENCES account(id),  -- NULL: anonymous
        created_at INTEGER NOT NULL,   -- unix time in seconds, UTC
        summary TEXT NOT NULL,         -- may be empty
        blob_id INTEGER NOT NULL REFERENCES file_blob(id),
        content_type TEXT NOT NULL,    -- sniffed from the bytes (model/media)
        width INTEGER NOT NULL,        -- pixels, for images; 0 otherwise
        height INTEGER NOT NULL,
        UNIQUE (file_id, rev)          -- a file page's lookup; history is a
                                       -- range scan of it
      ) STRICT;
      -- An immutable address (/_blob/SHA/NAME) finds a revision of NAME
      -- with those bytes.
      CREATE INDEX file_revision_by_blob ON file_revision (blob_id, file_id);
      )sql",
      // 22: the login throttle counts the names tried from an address
      // (password spraying; model/store/login_throttle.h, issue 21).
      R"sql(
      -- On an address's row, the name scope ('name:alice') it tried; ''
      -- on a name's own row. A successful login deletes its name's rows.
      ALTER TABLE login_failure ADD COLUMN name TEXT NOT NULL DEFAULT '';
      CREATE INDEX login_failure_by_name ON login_failure (name) WHERE name != '';
      )sql",
      // 23: delete and undelete (issue 20).
      R"sql(
      -- 1: deleted. A deleted page keeps its row, revisions and links of
      -- each revision for undelete, under a name no page name can be
      -- (DeletedPageName: a control character), so no lookup, link or
      -- address finds it; lists that walk every page skip it by this flag.
      ALTER TABLE page ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0
        CHECK (deleted IN (0, 1));
      -- Who deleted a page, when and why, and under which name; removed
      -- by undelete. Several rows may share a key (deleted, made again,
      -- deleted again): the 410 page and undelete take the latest.
      CREATE TABLE page_deletion (
        page_id INTEGER PRIMARY KEY REFERENCES page(id),
        name TEXT NOT NULL,            -- the page's name when it was deleted
        name_key TEXT NOT NULL,        -- PageKey(name)
        deleted_at INTEGER NOT NULL,   -- unix time in seconds, UTC
        deleted_by TEXT NOT NULL,      -- the admin's account name
        reason TEXT NOT NULL,
        revisions INTEGER NOT NULL     -- the page's latest_rev, for the counts
      ) STRICT;
      CREATE INDEX page_deletion_by_key ON page_deletion (name_key, deleted_at);
      -- Every delete and undelete, for recent changes and the feed.
      CREATE TABLE page_log (
        id INTEGER PRIMARY KEY,
        action TEXT NOT NULL CHECK (action IN ('delete', 'undelete')),
        name TEXT NOT NULL,            -- the page's name
        author TEXT NOT NULL,          -- the admin's account name
        account_id INTEGER REFERENCES account(id),
        created_at INTEGER NOT NULL,   -- unix time in seconds, UTC
        reason TEXT NOT NULL,
        after_revision INTEGER NOT NULL  -- the newest revision id then: where
                                         -- it stands among recent changes
      ) STRICT;
      CREATE INDEX page_log_by_revision ON page_log (after_revision, id);
      -- The search index holds no deleted page: neither does its source.
      DROP VIEW page_search_source;
      CREATE VIEW page_search_source (page_id, title, body) AS
        SELECT p.id, p.name, r.text
          FROM page p JOIN revision r ON r.page_id = p.id AND r.rev = p.latest_rev
         WHERE p.deleted = 0;
      )sql",
      // 24: watchlists (issue 20): who watches which page, and the
      // account's confirmed address and watch setting (watch_store.h).
      R"sql(
      -- The address the account confirmed by its mailed link; watchers'
      -- mail goes only to an address equal to it, so changing the address
      -- makes it unconfirmed again.
      ALTER TABLE account ADD COLUMN confirmed_email TEXT NOT NULL DEFAULT '';
      -- 1: the account watches the pages it creates (its profile setting).
      ALTER TABLE account ADD COLUMN watch_created INTEGER NOT NULL DEFAULT 1
        CHECK (watch_created IN (0, 1));

      CREATE TABLE watch (
        account_id INTEGER NOT NULL REFERENCES account(id),
        page_id INTEGER NOT NULL REFERENCES page(id),  -- by id: a page's watchers
                                                      -- stay with it whatever its name
        notified INTEGER NOT NULL DEFAULT 0  -- 1: mailed about the page since the
          CHECK (notified IN (0, 1)),        -- watcher last viewed it: no more mail
        PRIMARY KEY (account_id, page_id)
      ) STRICT, WITHOUT ROWID;
      -- A save finds the page's watchers.
      CREATE INDEX watch_by_page ON watch (page_id, account_id);
      )sql",
      // 25: the confirmation mail limit (issue 20): when each account was
      // last sent the link that confirms its address (watch_store.h).
      R"sql(
      -- One row per confirmation mail of the last 24 hours; older rows are
      -- dropped as the account sends again.
      CREATE TABLE confirmation_mail (
        account_id INTEGER NOT NULL REFERENCES account(id),
        sent_at INTEGER NOT NULL  -- unix time in seconds, UTC
      ) STRICT;
      CREATE INDEX confirmation_mail_by_account ON confirmation_mail (account_id, sent_at);
      )sql",
      // 26: the site counts of a wiki copied from PostgreSQL (issue 20's
      // review): the ids below the highest that no row holds.
      R"sql(
      -- How many page and revision ids below the highest no row holds: none
      -- on a wiki SQLite made (a rowid is the highest plus one, and no page
      -- or revision row is ever removed), some on one `wikid copy-database`
      -- brought from PostgreSQL, whose identities skip values. The counts
      -- (max(id) minus deletions, as cheap as one index seek) subtract
      -- them. One row, set by the copy (SqliteTableAccess::RebuildDerived).
      CREATE TABLE id_gap (
        pages INTEGER NOT NULL,
        revisions INTEGER NOT NULL
      ) STRICT;
      INSERT INTO id_gap (pages, revisions) VALUES (0, 0);
      )sql",
      // 27: uploads in recent changes and the feed (issue 19): each file
      // revision stands among the page revisions where it was made, as
      // page_log's deletes do (PageReader::ListRecentChanges).
      R"sql(
      -- The newest page revision's id when the file revision was made: it
      -- stands just after that revision in recent changes.
      ALTER TABLE file_revision ADD COLUMN after_revision INTEGER NOT NULL DEFAULT 0;
      -- Uploads made before this column: placed by their time.
      UPDATE file_revision SET after_revision = coalesce(
        (SELECT max(r.id) FROM revision r WHERE r.created_at <= file_revision.created_at), 0);
      CREATE INDEX file_revision_by_position ON file_revision (after_revision, id);
      )sql",
      // 28: protecting and deleting files, and finding them by any word
      // of their names (issue 19: model/store/file_store.h).
      R"sql(
      -- 1: only admins may upload new revisions.
      ALTER TABLE file ADD COLUMN protected INTEGER NOT NULL DEFAULT 0
        CHECK (protected IN (0, 1));
      -- 1: deleted. The row keeps its name, revisions and bytes, for
      -- admins and for undelete; /_files, the searches, recent changes and
      -- the pages that embed it skip it by this flag.
      ALTER TABLE file ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0
        CHECK (deleted IN (0, 1));
      -- The deletes and undeletes of files, logged among recent changes
      -- as page_log's are, and read for a deleted file's 410.
      CREATE TABLE file_log (
        id INTEGER PRIMARY KEY,
        file_id INTEGER NOT NULL REFERENCES file(id),
        action TEXT NOT NULL CHECK (action IN ('delete', 'undelete')),
        author TEXT NOT NULL,          -- the admin's account name
        account_id INTEGER REFERENCES account(id),
        created_at INTEGER NOT NULL,   -- unix time in seconds, UTC
        reason TEXT NOT NULL,
        after_revision INTEGER NOT NULL  -- the newest revision id then
      ) STRICT;
      CREATE INDEX file_log_by_revision ON file_log (after_revision, id);
      CREATE INDEX file_log_by_file ON file_log (file_id, id);
      -- The words of the files' names (rowid = file.id), so that a search
      -- word finds "Team_photo.jpg" by "photo": external content, read
      -- from file; a file's name never changes, and a deleted file stays
      -- indexed (the query skips it).
      CREATE VIRTUAL TABLE file_name_search USING fts5(
        name, content = 'file', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2');
      INSERT INTO file_name_search (file_name_search) VALUES ('rebuild');
      )sql",
  };
  return kMigrations;
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

Status MigrateSchema(Database& db) {
  auto version_stmt = db.Prepare("PRAGMA user_version");
  if (!version_stmt.ok()) return version_stmt.status();
  auto read_version = [&]() -> Result<int> {
    Query q(**version_stmt);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    return static_cast<int>(q->ColumnInt(0));
  };

  auto before = read_version();
  if (!before.ok()) return before.status();
  if (*before == LatestSchemaVersion()) return Status::Ok();  // common case

  Transaction txn(db);
  if (Status s = txn.Begin(); !s.ok()) return s;
  // Read again under the write lock: another worker may have migrated
  // while this one waited.
  auto version = read_version();
  if (!version.ok()) return version.status();
  if (*version > LatestSchemaVersion()) {
    return Status::Invalid("the database has schema version " +
                           std::to_string(*version) +
                           ", newer than this wikid understands (" +
                           std::to_string(LatestSchemaVersion()) + ")");
  }
  for (int v = *version; v < LatestSchemaVersion(); ++v) {
    if (Status s = db.Exec(Migrations()[v]); !s.ok()) return s;
  }
  // PRAGMA takes no bound parameters; the number is ours, not input.
  std::string set_version =
      "PRAGMA user_version=" + std::to_string(LatestSchemaVersion());
  if (Status s = db.Exec(set_version.c_str()); !s.ok()) return s;
  return txn.Commit();
}

}  // namespace wikid
