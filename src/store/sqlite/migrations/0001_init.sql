-- outdial schema, version 1 (SQLite). Times are epoch milliseconds UTC; booleans are 0/1;
-- enums are their API strings. The PostgreSQL twin is src/store/postgres/migrations/0001_init.sql.

CREATE TABLE tenants (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT NOT NULL UNIQUE,
  settings    TEXT NOT NULL,            -- core/settings_json.h TenantSettingsToJson
  created_at  INTEGER NOT NULL
);

-- Users and agents share one id space: an agent's engine AgentId is its user id.
CREATE TABLE users (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id      INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  username       TEXT NOT NULL,
  password_hash  TEXT NOT NULL,         -- argon2id string (crypto_pwhash_str)
  role           TEXT NOT NULL,
  team           TEXT NOT NULL,
  station        TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  UNIQUE (tenant_id, username)
);

CREATE TABLE sessions (
  token_hash  TEXT PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  tenant_id   INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE campaigns (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id   INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  settings    TEXT NOT NULL,            -- core/settings_json.h CampaignSettingsToJson
  status      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX campaigns_tenant ON campaigns(tenant_id, id);

-- The id is the import-order key: ids are assigned in insert order and never reused.
-- claimed_by/claimed_until: the lease of a server that claimed the contact (several servers on one
-- PostgreSQL database); unused by a single SQLite server.
CREATE TABLE contacts (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  campaign_id       INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  name              TEXT NOT NULL,
  timezone          TEXT NOT NULL,
  priority          INTEGER NOT NULL,
  fields            TEXT NOT NULL,      -- JSON array of [name, value] pairs, in order
  state             TEXT NOT NULL,
  attempts_made     INTEGER NOT NULL,
  next_eligible_at  INTEGER NOT NULL,
  last_outcome      TEXT,
  callback          INTEGER NOT NULL,
  callback_agent    INTEGER,
  claimed_by        TEXT,
  claimed_until     INTEGER,
  UNIQUE (campaign_id, id)
);
CREATE INDEX contacts_campaign_state ON contacts(campaign_id, state, id);
CREATE INDEX contacts_in_progress ON contacts(id) WHERE state = 'in_progress';

-- A contact's numbers in its order (ord 0, 1, ...). Keyed by campaign first so that loading a
-- campaign reads contacts and phones as two range scans in the same order.
CREATE TABLE contact_phones (
  campaign_id  INTEGER NOT NULL,
  contact_id   INTEGER NOT NULL,
  ord          INTEGER NOT NULL,
  number       TEXT NOT NULL,           -- E.164
  type         TEXT NOT NULL,
  attempts     INTEGER NOT NULL,
  invalid      INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, contact_id, ord),
  FOREIGN KEY (campaign_id, contact_id) REFERENCES contacts(campaign_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

-- Attempt ids are assigned by the engine (above the stored maximum after a restart).
CREATE TABLE attempts (
  id           INTEGER PRIMARY KEY,
  tenant_id    INTEGER NOT NULL,
  campaign_id  INTEGER NOT NULL,
  contact_id   INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  agent_id     INTEGER NOT NULL,
  number       TEXT NOT NULL,
  started_at   INTEGER NOT NULL,
  answered_at  INTEGER,
  ended_at     INTEGER,
  outcome      TEXT,
  reason       TEXT,
  sip_code     INTEGER NOT NULL,
  amd          TEXT,
  disposition  TEXT NOT NULL,
  notes        TEXT NOT NULL
);
CREATE INDEX attempts_contact ON attempts(contact_id, started_at, id);
CREATE INDEX attempts_campaign_outcome ON attempts(campaign_id, outcome);
CREATE INDEX attempts_open ON attempts(id) WHERE ended_at IS NULL;

CREATE TABLE dnc_entries (
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  list       TEXT NOT NULL,
  number     TEXT NOT NULL,             -- E.164
  added_at   INTEGER NOT NULL,
  source     TEXT NOT NULL,
  PRIMARY KEY (tenant_id, list, number)
) WITHOUT ROWID;

-- Who did what, when and why (kept after the objects it names are deleted).
CREATE TABLE audit (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         INTEGER NOT NULL,
  tenant_id  INTEGER NOT NULL,
  agent_id   INTEGER NOT NULL,
  action     TEXT NOT NULL,
  detail     TEXT NOT NULL
);
CREATE INDEX audit_tenant_at ON audit(tenant_id, at);
