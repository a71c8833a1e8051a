// The store contract: one suite run against every implementation of engine::Store +
// engine::Catalog (SQLite in a temp dir, PostgreSQL in a throwaway cluster, MemoryCatalog, the
// fake). Every Catalog call, tenant isolation, conflicts, batch atomicity, Commit ordering and
// durability across reopen, Recover and Load; migrations and what only the SQL stores have
// (ForEachAttempt, the group-commit figures) on the SQL ones.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>

#include "core/settings_json.h"
#include "tests/store/backends.h"

namespace outdial::store::testing {
namespace {

using core::CampaignStatus;
using core::ContactState;
using core::ErrorCode;
using core::FromEpochMs;
using engine::ContactRow;

constexpr int64_t kT0 = 1'780'000'000'000;  // 2026-05-28

class StoreContract : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    if (auto why = backend_->Unavailable(); !why.empty())
      GTEST_SKIP() << "SKIPPED " << GetParam().name << ": " << why;
    Reopen();
  }
  void TearDown() override { Close(); }

  void Close() {
    opened_ = {};
    db_ = nullptr;
    store_ = nullptr;
    sql_ = nullptr;
  }

  void Reopen() {
    Close();
    // Callbacks run inline on the writer thread: enough for tests, which wait on futures.
    auto opened = backend_->Open([](std::function<void()> fn) { fn(); });
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    opened_ = std::move(*opened);
    db_ = opened_.catalog;
    store_ = opened_.store;
    sql_ = opened_.sql.get();
  }

  core::Result<void> CommitAndWait(engine::WriteBatch batch) {
    std::promise<core::Result<void>> done;
    auto future = done.get_future();
    store_->Commit(std::move(batch), [&](core::Result<void> r) { done.set_value(std::move(r)); });
    return future.get();
  }

  engine::TenantRow MakeTenant(const std::string& name) {
    core::TenantSettings ts;
    ts.name = name;
    engine::UserRow admin;
    admin.username = "admin";
    admin.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
    admin.role = engine::Role::kAdmin;
    auto t = db_->CreateTenant(ts, admin);
    EXPECT_TRUE(t.ok()) << t.error().message;
    return t.ok() ? *t : engine::TenantRow{};
  }

  engine::CampaignRow MakeCampaign(core::TenantId tenant, const std::string& name = "Renewals") {
    core::CampaignSettings cs;
    cs.name = name;
    cs.mode = core::CampaignMode::kPreviewStandard;
    cs.max_attempts = 2;
    cs.retry[static_cast<size_t>(core::RetryKey::kInterrupted)] = core::RetryRule{600, true};
    auto c = db_->CreateCampaign(tenant, cs);
    EXPECT_TRUE(c.ok()) << c.error().message;
    return c.ok() ? *c : engine::CampaignRow{};
  }

  static ContactRow Row(const std::string& name, std::string number, uint8_t priority = 0) {
    ContactRow row;
    row.contact.name = name;
    row.contact.phones.push_back(core::Phone{std::move(number), "mobile", 0, false});
    row.contact.priority = priority;
    row.contact.fields = {{"account", "AC-" + name}, {"note", "says \"hi\"\n"}};
    row.contact.next_eligible_at = FromEpochMs(kT0);
    row.timezone = "America/New_York";
    return row;
  }

  std::vector<ContactRow> Insert(core::TenantId tenant, core::CampaignId campaign, int n, int first = 0) {
    std::vector<ContactRow> rows;
    for (int i = 0; i < n; ++i) {
      // Built by appending: g++ 12 warns falsely (-Wrestrict) on "literal" + std::string&& at -O3.
      std::string name = "c", number = "+1201555";
      name += std::to_string(first + i);
      number += std::to_string(1000 + first + i);
      rows.push_back(Row(name, number));
    }
    auto r = db_->InsertContacts(tenant, campaign, rows);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return rows;
  }

  static engine::AttemptRecord Attempt(uint64_t id, const engine::CampaignRow& campaign,
                                       const ContactRow& row, int64_t started) {
    engine::AttemptRecord a;
    a.id = core::CallId{id};
    a.tenant_id = campaign.tenant_id;
    a.campaign_id = campaign.id;
    a.contact_id = row.contact.id;
    a.agent_id = core::AgentId{7};
    a.number = row.contact.phones[0].number;
    a.started_at = FromEpochMs(started);
    return a;
  }

  // An attempt's four moments as "answered connected ended wrapped_up" in epoch ms, "-" for none.
  static std::string Moments(const engine::AttemptRecord& a) {
    std::string out;
    for (const auto* moment : {&a.answered_at, &a.connected_at, &a.ended_at, &a.wrapped_up_at}) {
      if (!out.empty()) out += ' ';
      out += *moment ? std::to_string(core::ToEpochMs(**moment)) : "-";
    }
    return out;
  }

  std::unique_ptr<Backend> backend_;
  OpenedStore opened_;
  engine::Catalog* db_ = nullptr;
  engine::Store* store_ = nullptr;
  sql::SqlDatabase* sql_ = nullptr;  // null for MemoryCatalog
};

// ---- tenants, users, sessions ---------------------------------------------------------------------

TEST_P(StoreContract, TenantsCreateFindUpdateAndConflict) {
  auto t = MakeTenant("acme");
  EXPECT_TRUE(t.id.valid());
  auto got = db_->GetTenant(t.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->settings.name, "acme");
  EXPECT_GT(core::ToEpochMs(got->created_at), 0);
  auto by_name = db_->FindTenantByName("acme");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->id, t.id);
  EXPECT_EQ(db_->FindTenantByName("nobody").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(db_->GetTenant(core::TenantId{999}).error().code, ErrorCode::kNotFound);

  // A taken name is CONFLICT, and the admin of the refused tenant is not created either.
  core::TenantSettings dup;
  dup.name = "acme";
  EXPECT_EQ(db_->CreateTenant(dup, engine::UserRow{}).error().code, ErrorCode::kConflict);

  core::TenantSettings changed = got->settings;
  changed.max_concurrent_calls = 7;
  changed.default_timezone = "Europe/Paris";
  auto updated = db_->UpdateTenant(t.id, changed);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->settings.max_concurrent_calls, 7);
  EXPECT_EQ(db_->GetTenant(t.id)->settings.default_timezone, "Europe/Paris");
  EXPECT_EQ(db_->UpdateTenant(core::TenantId{999}, changed).error().code, ErrorCode::kNotFound);
  auto other = MakeTenant("globex");
  changed.name = "globex";
  EXPECT_EQ(db_->UpdateTenant(t.id, changed).error().code, ErrorCode::kConflict);
  (void)other;
}

TEST_P(StoreContract, UsersAreIsolatedPerTenant) {
  auto a = MakeTenant("a");
  auto b = MakeTenant("b");
  auto admin = db_->FindUser(a.id, "admin");
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(admin->role, engine::Role::kAdmin);
  EXPECT_EQ(admin->password_hash.rfind("$argon2id$", 0), 0u);

  engine::UserRow u;
  u.tenant_id = a.id;
  u.username = "alice";
  u.password_hash = "$argon2id$x";
  u.role = engine::Role::kAgent;
  u.team = "north";
  u.station = "sim:auto";
  auto created = db_->CreateUser(u);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_TRUE(created->id.valid());
  EXPECT_EQ(db_->CreateUser(u).error().code, ErrorCode::kConflict);
  u.tenant_id = b.id;  // the same username in another tenant is fine
  ASSERT_TRUE(db_->CreateUser(u).ok());
  u.tenant_id = core::TenantId{999};
  EXPECT_EQ(db_->CreateUser(u).error().code, ErrorCode::kNotFound);

  EXPECT_EQ(db_->GetUser(a.id, created->id)->username, "alice");
  EXPECT_EQ(db_->GetUser(b.id, created->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(db_->FindUser(a.id, "alice")->team, "north");
  auto list = db_->ListUsers(a.id);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].username, "admin");
  EXPECT_EQ((*list)[1].username, "alice");

  engine::UserRow change = *created;
  change.role = engine::Role::kSupervisor;
  change.team = "south";
  change.station = "sip:alice@pbx";
  change.password_hash = "$argon2id$y";
  auto updated = db_->UpdateUser(change);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->role, engine::Role::kSupervisor);
  EXPECT_EQ(updated->station, "sip:alice@pbx");
  change.tenant_id = b.id;
  EXPECT_EQ(db_->UpdateUser(change).error().code, ErrorCode::kNotFound);

  engine::SessionRow s{"hash-1", created->id, a.id, FromEpochMs(kT0 + 3600'000)};
  ASSERT_TRUE(db_->CreateSession(s).ok());
  EXPECT_EQ(db_->CreateSession(s).error().code, ErrorCode::kConflict);
  auto found = db_->FindSession("hash-1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->user_id, created->id);
  EXPECT_EQ(found->tenant_id, a.id);
  EXPECT_EQ(core::ToEpochMs(found->expires_at), kT0 + 3600'000);
  EXPECT_EQ(db_->DeleteUser(b.id, created->id).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(db_->DeleteUser(a.id, created->id).ok());
  EXPECT_EQ(db_->FindSession("hash-1").error().code, ErrorCode::kNotFound);  // sessions end with the user
  EXPECT_EQ(db_->GetUser(a.id, created->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(db_->DeleteUser(a.id, created->id).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, SessionsCreateFindDelete) {
  auto t = MakeTenant("s");
  auto admin = db_->FindUser(t.id, "admin");
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE(db_->CreateSession({"tok", admin->id, t.id, FromEpochMs(kT0)}).ok());
  EXPECT_TRUE(db_->FindSession("tok").ok());
  ASSERT_TRUE(db_->DeleteSession("tok").ok());
  EXPECT_EQ(db_->FindSession("tok").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(db_->DeleteSession("tok").ok());  // idempotent
  EXPECT_EQ(db_->CreateSession({"x", core::AgentId{999}, t.id, FromEpochMs(kT0)}).error().code,
            ErrorCode::kNotFound);
}

// ---- campaigns ----------------------------------------------------------------------------------

TEST_P(StoreContract, CampaignsRoundTripSettingsAndStatus) {
  auto a = MakeTenant("a");
  auto b = MakeTenant("b");
  core::CampaignSettings cs;
  cs.name = "Win-back";
  cs.description = "Former customers";
  cs.mode = core::CampaignMode::kPreview;
  cs.teams = {"north", "south"};
  cs.max_attempts = 5;
  cs.dnc_lists = {"internal"};
  auto c = db_->CreateCampaign(a.id, cs);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->status, CampaignStatus::kDraft);
  auto got = db_->GetCampaign(a.id, c->id);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(core::CampaignSettingsToJson(got->settings), core::CampaignSettingsToJson(cs));
  EXPECT_EQ(db_->GetCampaign(b.id, c->id).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(db_->HasCampaign(a.id, c->id).ok());
  EXPECT_EQ(db_->HasCampaign(b.id, c->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(db_->CreateCampaign(core::TenantId{999}, cs).error().code, ErrorCode::kNotFound);
  cs.max_attempts = 0;
  EXPECT_EQ(db_->CreateCampaign(a.id, cs).error().code, ErrorCode::kValidationFailed);
  cs.max_attempts = 5;

  auto second = MakeCampaign(a.id, "Second");
  MakeCampaign(b.id, "Other tenant's");
  auto list = db_->ListCampaigns(a.id);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, c->id);
  EXPECT_EQ((*list)[1].id, second.id);

  cs.description = "changed";
  auto updated = db_->UpdateCampaign(a.id, c->id, cs);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->settings.description, "changed");
  EXPECT_EQ(db_->UpdateCampaign(b.id, c->id, cs).error().code, ErrorCode::kNotFound);
  auto running = db_->SetCampaignStatus(a.id, c->id, CampaignStatus::kRunning);
  ASSERT_TRUE(running.ok());
  EXPECT_EQ(running->status, CampaignStatus::kRunning);
  EXPECT_EQ(db_->GetCampaign(a.id, c->id)->status, CampaignStatus::kRunning);
  EXPECT_EQ(db_->SetCampaignStatus(b.id, c->id, CampaignStatus::kPaused).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, DeleteCampaignTakesContactsAndAttempts) {
  auto t = MakeTenant("t");
  auto other = MakeTenant("o");
  auto c = MakeCampaign(t.id);
  auto rows = Insert(t.id, c.id, 3);
  ASSERT_TRUE(CommitAndWait({{Attempt(10, c, rows[0], kT0)}, {}, {}, {}}).ok());
  EXPECT_EQ(db_->DeleteCampaign(other.id, c.id).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(db_->DeleteCampaign(t.id, c.id).ok());
  EXPECT_EQ(db_->GetCampaign(t.id, c.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(db_->HasCampaign(t.id, c.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(db_->GetContact(t.id, rows[0].contact.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(db_->DeleteCampaign(t.id, c.id).error().code, ErrorCode::kNotFound);
}

// ---- contacts -----------------------------------------------------------------------------------

TEST_P(StoreContract, InsertContactsAssignsIdsInOrderAndRoundTrips) {
  auto t = MakeTenant("t");
  auto c = MakeCampaign(t.id);
  std::vector<ContactRow> rows = {Row("Ava", "+12015550001", 10), Row("Ben", "+12015550002")};
  rows[1].contact.phones.push_back(core::Phone{"+12015550003", "", 0, false});
  rows[1].contact.fields = {{"z", "last"}, {"a", "first"}, {"unicode", "Zoë ✓"}};
  ASSERT_TRUE(db_->InsertContacts(t.id, c.id, rows).ok());
  EXPECT_TRUE(rows[0].contact.id.valid());
  EXPECT_LT(rows[0].contact.id, rows[1].contact.id);
  EXPECT_EQ(rows[1].contact.campaign_id, c.id);

  auto detail = db_->GetContact(t.id, rows[1].contact.id);
  ASSERT_TRUE(detail.ok()) << detail.error().message;
  const core::Contact& got = detail->contact.contact;
  EXPECT_EQ(got.name, "Ben");
  EXPECT_EQ(detail->contact.timezone, "America/New_York");
  ASSERT_EQ(got.phones.size(), 2u);
  EXPECT_EQ(got.phones[1].number, "+12015550003");
  EXPECT_EQ(got.fields, rows[1].contact.fields);  // order kept
  EXPECT_EQ(got.state, ContactState::kCallable);
  EXPECT_EQ(core::ToEpochMs(got.next_eligible_at), kT0);
  EXPECT_TRUE(detail->attempts.empty());
  EXPECT_EQ(db_->GetContact(t.id, rows[0].contact.id)->contact.contact.fields, rows[0].contact.fields);

  auto other = MakeTenant("other");
  EXPECT_EQ(db_->GetContact(other.id, rows[0].contact.id).error().code, ErrorCode::kNotFound);
  std::vector<ContactRow> more = {Row("X", "+12015550009")};
  EXPECT_EQ(db_->InsertContacts(other.id, c.id, more).error().code, ErrorCode::kNotFound);
}

// Custom fields are stored as JSON: plain ASCII ones are written directly, anything that needs
// escaping (quotes, control characters, non-ASCII, invalid UTF-8) through the JSON library; both
// read back as they went in (invalid UTF-8 as U+FFFD).
TEST_P(StoreContract, ContactFieldsRoundTripPlainAndEscaped) {
  auto t = MakeTenant("t");
  auto c = MakeCampaign(t.id);
  std::vector<ContactRow> rows(4);
  const std::vector<std::vector<std::pair<std::string, std::string>>> fields = {
      {{"account", "AC-1"}, {"plan", "gold plan, 2026"}},
      {{"note", "says \"hi\"\n\ttab \\ slash"}},
      {{"name", "Zo\xc3\xab M\xc3\xbcller"}, {"", ""}},
      {}};
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].contact.name = "f";
    rows[i].contact.name += std::to_string(i);
    rows[i].contact.phones.push_back(core::Phone{"+12015550177", "", 0, false});
    rows[i].contact.fields = fields[i];
    rows[i].timezone = "UTC";
  }
  ContactRow broken = rows[0];
  broken.contact.fields = {{"bad", std::string("\xff\xfe", 2)}};
  rows.push_back(broken);
  ASSERT_TRUE(db_->InsertContacts(t.id, c.id, rows).ok());
  for (size_t i = 0; i < fields.size(); ++i) {
    auto back = db_->GetContact(t.id, rows[i].contact.id);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->contact.contact.fields, fields[i]) << i;
  }
  auto bad = db_->GetContact(t.id, rows.back().contact.id);
  ASSERT_TRUE(bad.ok());
  ASSERT_EQ(bad->contact.contact.fields.size(), 1u);
  EXPECT_NE(bad->contact.contact.fields[0].second.find("\xef\xbf\xbd"), std::string::npos);
}

TEST_P(StoreContract, AFailingContactBatchStoresNothing) {
  auto t = MakeTenant("t");
  auto c = MakeCampaign(t.id);
  std::vector<ContactRow> rows = {Row("ok1", "+12015550001"), Row("bad", "+12015550002"),
                                  Row("ok2", "+12015550003")};
  rows[1].contact.phones.clear();
  auto r = db_->InsertContacts(t.id, c.id, rows);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kValidationFailed);
  ASSERT_EQ(r.error().details.size(), 1u);
  EXPECT_EQ(r.error().details[0].field, "contacts[1].phones");
  auto page = db_->ListContacts(t.id, c.id, std::nullopt, 100, "");
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->items.empty());
}

TEST_P(StoreContract, ListContactsPagesInImportOrderWithStateFilter) {
  auto t = MakeTenant("t");
  auto c = MakeCampaign(t.id);
  auto c2 = MakeCampaign(t.id, "interleaved");
  std::vector<ContactRow> all;
  for (int k = 0; k < 5; ++k) {
    auto part = Insert(t.id, c.id, 5, k * 5);
    all.insert(all.end(), part.begin(), part.end());
    Insert(t.id, c2.id, 2, 100 + k * 2);  // ids of another campaign in between
  }
  std::vector<uint64_t> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = db_->ListContacts(t.id, c.id, std::nullopt, 7, cursor);
    ASSERT_TRUE(page.ok()) << page.error().message;
    for (const auto& row : page->items) {
      seen.push_back(row.contact.id.value);
      ASSERT_EQ(row.contact.phones.size(), 1u);
    }
    cursor = page->next_cursor;
    ++pages;
  } while (!cursor.empty() && pages < 10);
  ASSERT_EQ(seen.size(), 25u);
  EXPECT_EQ(pages, 4);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], all[i].contact.id.value);

  // State filter: mark two contacts done through the engine's write path.
  engine::WriteBatch batch;
  for (int i : {3, 17}) {
    all[static_cast<size_t>(i)].contact.state = ContactState::kDone;
    batch.contacts.push_back(engine::ToRecord(all[static_cast<size_t>(i)].contact));
  }
  ASSERT_TRUE(CommitAndWait(std::move(batch)).ok());
  auto done = db_->ListContacts(t.id, c.id, ContactState::kDone, 1, "");
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->items.size(), 1u);
  EXPECT_EQ(done->items[0].contact.id, all[3].contact.id);
  EXPECT_EQ(done->items[0].contact.phones.size(), 1u);
  auto rest = db_->ListContacts(t.id, c.id, ContactState::kDone, 10, done->next_cursor);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].contact.id, all[17].contact.id);
  EXPECT_TRUE(rest->next_cursor.empty());

  auto other = MakeTenant("other");
  EXPECT_EQ(db_->ListContacts(other.id, c.id, std::nullopt, 10, "").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(db_->ListContacts(t.id, c.id, std::nullopt, 10, "garbage").error().code,
            ErrorCode::kValidationFailed);
}

// ---- DNC ----------------------------------------------------------------------------------------

TEST_P(StoreContract, DncIsIdempotentAndPaged) {
  auto t = MakeTenant("t");
  auto other = MakeTenant("o");
  ASSERT_TRUE(db_->AddDnc({t.id, "tenant", "+12015550002", FromEpochMs(kT0), "admin"}).ok());
  ASSERT_TRUE(db_->AddDnc({t.id, "tenant", "+12015550001", FromEpochMs(kT0 + 1), "admin"}).ok());
  ASSERT_TRUE(db_->AddDnc({t.id, "tenant", "+12015550002", FromEpochMs(kT0 + 2), "disposition"}).ok());
  ASSERT_TRUE(db_->AddDnc({t.id, "internal", "+12015550003", FromEpochMs(kT0), "admin"}).ok());
  ASSERT_TRUE(db_->AddDnc({other.id, "tenant", "+12015550009", FromEpochMs(kT0), "admin"}).ok());
  EXPECT_EQ(db_->AddDnc({core::TenantId{999}, "tenant", "+1", FromEpochMs(kT0), "admin"}).error().code,
            ErrorCode::kNotFound);

  auto page = db_->ListDnc(t.id, "tenant", 1, "");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].number, "+12015550001");
  // The cursor goes into a query string as it is: it has no '+' (there, a space).
  EXPECT_EQ(page->next_cursor.find('+'), std::string::npos) << page->next_cursor;
  auto next = db_->ListDnc(t.id, "tenant", 1, page->next_cursor);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->items.size(), 1u);
  EXPECT_EQ(next->items[0].number, "+12015550002");
  EXPECT_EQ(next->items[0].source, "admin");  // the first entry is kept
  EXPECT_EQ(core::ToEpochMs(next->items[0].added_at), kT0);
  EXPECT_TRUE(next->next_cursor.empty());

  ASSERT_TRUE(db_->RemoveDnc(t.id, "tenant", "+12015550001").ok());
  ASSERT_TRUE(db_->RemoveDnc(t.id, "tenant", "+12015550001").ok());  // idempotent
  ASSERT_TRUE(db_->RemoveDnc(t.id, "tenant", "+12015550009").ok());  // another tenant's: untouched
  EXPECT_EQ(db_->ListDnc(t.id, "tenant", 10, "")->items.size(), 1u);
  EXPECT_EQ(db_->ListDnc(other.id, "tenant", 10, "")->items.size(), 1u);
}

// ---- the engine's Store -------------------------------------------------------------------------

TEST_P(StoreContract, CommitsAreDurableAcrossReopen) {
  auto t = MakeTenant("t");
  auto c = MakeCampaign(t.id);
  auto rows = Insert(t.id, c.id, 2);
  engine::WriteBatch batch;
  auto a = Attempt(41, c, rows[0], kT0);
  batch.attempts.push_back(a);
  core::Contact contact = rows[0].contact;
  contact.state = ContactState::kInProgress;
  batch.contacts.push_back(engine::ToRecord(contact));
  batch.audit.push_back({FromEpochMs(kT0), t.id, core::AgentId{7}, "accept", "offer=3 contact=1"});
  ASSERT_TRUE(CommitAndWait(std::move(batch)).ok());

  // The attempt ends and is wrapped up: same id, replaced, with the four moments of the call.
  a.answered_at = FromEpochMs(kT0 + 5000);
  a.connected_at = FromEpochMs(kT0 + 6500);
  a.ended_at = FromEpochMs(kT0 + 65000);
  a.wrapped_up_at = FromEpochMs(kT0 + 80000);
  a.outcome = core::Outcome::kConnected;
  a.sip_code = 200;
  a.amd = core::AmdResult::kHuman;
  a.disposition = "sale";
  a.notes = "Renewed for 2 years";
  contact.state = ContactState::kDone;
  contact.attempts_made = 1;
  contact.phones[0].attempts = 1;
  contact.last_outcome = core::Outcome::kConnected;
  engine::WriteBatch end;
  end.attempts.push_back(a);
  end.contacts.push_back(engine::ToRecord(contact));
  end.dnc.push_back({t.id, "tenant", "+12015559999", FromEpochMs(kT0), "disposition"});
  ASSERT_TRUE(CommitAndWait(std::move(end)).ok());

  Reopen();
  auto detail = db_->GetContact(t.id, rows[0].contact.id);
  ASSERT_TRUE(detail.ok());
  EXPECT_EQ(detail->contact.contact.state, ContactState::kDone);
  EXPECT_EQ(detail->contact.contact.attempts_made, 1);
  EXPECT_EQ(detail->contact.contact.phones[0].attempts, 1);
  EXPECT_EQ(detail->contact.contact.last_outcome, core::Outcome::kConnected);
  ASSERT_EQ(detail->attempts.size(), 1u);
  const auto& got = detail->attempts[0];
  EXPECT_EQ(got.id, core::CallId{41});
  EXPECT_EQ(got.agent_id, core::AgentId{7});
  EXPECT_EQ(got.number, rows[0].contact.phones[0].number);
  EXPECT_EQ(core::ToEpochMs(*got.answered_at), kT0 + 5000);
  EXPECT_EQ(core::ToEpochMs(*got.connected_at), kT0 + 6500);
  EXPECT_EQ(core::ToEpochMs(*got.ended_at), kT0 + 65000);
  EXPECT_EQ(core::ToEpochMs(*got.wrapped_up_at), kT0 + 80000);
  EXPECT_EQ(got.outcome, core::Outcome::kConnected);
  EXPECT_FALSE(got.reason.has_value());
  EXPECT_EQ(got.sip_code, 200);
  EXPECT_EQ(got.amd, core::AmdResult::kHuman);
  EXPECT_EQ(got.disposition, "sale");
  EXPECT_EQ(got.notes, "Renewed for 2 years");
  EXPECT_EQ(db_->ListDnc(t.id, "tenant", 10, "")->items.size(), 1u);
  if (!backend_->IsSql()) return;
  // The export's walk reads the same row.
  std::vector<std::string> walked;
  ASSERT_TRUE(sql_->ForEachAttempt(t.id, c.id,
                                   [&](const engine::AttemptRecord& rec) -> core::Result<void> {
                                     walked.push_back(Moments(rec));
                                     return core::Ok{};
                                   })
                  .ok());
  EXPECT_EQ(walked, std::vector<std::string>{Moments(a)});
}

TEST_P(StoreContract, CallbacksComeInCommitOrderAndAFailingBatchFailsAlone) {
  auto t = MakeTenant("t");
  auto c = MakeCampaign(t.id);
  auto rows = Insert(t.id, c.id, 1);
  std::mutex mu;
  std::vector<std::pair<int, bool>> order;
  std::promise<void> all_done;
  constexpr int kBatches = 200;
  for (int i = 0; i < kBatches; ++i) {
    engine::WriteBatch b;
    b.audit.push_back({FromEpochMs(kT0 + i), t.id, core::AgentId{1}, "skip", std::to_string(i)});
    if (i == 77) {
      // A foreign-key failure: the contact does not exist. Its audit row must not be stored.
      ContactRow ghost = rows[0];
      ghost.contact.id = core::ContactId{999'999};
      b.attempts.push_back(Attempt(5000, c, ghost, kT0));
    } else {
      b.attempts.push_back(Attempt(static_cast<uint64_t>(100 + i), c, rows[0], kT0 + i));
    }
    store_->Commit(std::move(b), [&, i](core::Result<void> r) {
      std::lock_guard lock(mu);
      order.emplace_back(i, r.ok());
      if (order.size() == kBatches) all_done.set_value();
    });
  }
  ASSERT_EQ(all_done.get_future().wait_for(std::chrono::seconds(60)), std::future_status::ready);
  for (int i = 0; i < kBatches; ++i) {
    EXPECT_EQ(order[static_cast<size_t>(i)].first, i);
    EXPECT_EQ(order[static_cast<size_t>(i)].second, i != 77) << i;
  }
  auto detail = db_->GetContact(t.id, rows[0].contact.id);
  ASSERT_TRUE(detail.ok());
  EXPECT_EQ(detail->attempts.size(), static_cast<size_t>(kBatches - 1));
  if (!backend_->IsSql()) return;  // the rest reads the SQL store's audit table and figures
  EXPECT_LE(sql_->transactions_written(), static_cast<uint64_t>(kBatches));
  auto conn = backend_->Connect();
  ASSERT_TRUE(conn.ok());
  sql::Query q(**conn, "SELECT COUNT(*) FROM audit WHERE detail = '77'");
  ASSERT_TRUE(q.Step().ok());
  EXPECT_EQ(q.Int(0), 0);
}

// ---- migrations ---------------------------------------------------------------------------------

TEST_P(StoreContract, MigrationsAreRecordedAndANewerDatabaseIsRefused) {
  if (!backend_->IsSql()) GTEST_SKIP() << "not a SQL store";
  {
    auto conn = backend_->Connect();
    ASSERT_TRUE(conn.ok());
    auto version = sql::SchemaVersion(**conn);
    ASSERT_TRUE(version.ok());
    EXPECT_EQ(*version, static_cast<int>(backend_->Migrations().size()));
    EXPECT_EQ(backend_->Migrations().back().version, *version);
  }
  Reopen();  // re-open applies nothing and keeps the data
  auto t = MakeTenant("kept");
  Reopen();
  EXPECT_TRUE(db_->GetTenant(t.id).ok());
  Close();
  {
    auto conn = backend_->Connect();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE(
        (*conn)
            ->Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)")
            .ok());
  }
  auto refused = backend_->Open([](std::function<void()> fn) { fn(); });
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("newer"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("99"), std::string::npos) << refused.error().message;
}

// ---- recovery and load --------------------------------------------------------------------------

// `outdial export --what attempts` walks a campaign's attempts with one query per page: every
// attempt once, by contact in import order, then by start time and id, and none of another campaign
// whose contacts sit between this campaign's ids.
TEST_P(StoreContract, ForEachAttemptWalksACampaignByContactInPages) {
  if (!backend_->IsSql()) GTEST_SKIP() << "not a SQL store";
  auto t = MakeTenant("t");
  auto a = MakeCampaign(t.id, "A");
  auto b = MakeCampaign(t.id, "B");
  auto a1 = Insert(t.id, a.id, 3, 0);
  auto b1 = Insert(t.id, b.id, 2, 10);  // ids between A's two imports
  auto a2 = Insert(t.id, a.id, 2, 20);
  std::vector<ContactRow> a_rows = a1;
  a_rows.insert(a_rows.end(), a2.begin(), a2.end());
  engine::WriteBatch batch;
  uint64_t id = 100;
  std::vector<uint64_t> expected;
  // Two attempts per A contact, the later-started one written first; one per B contact.
  for (const auto& row : a_rows) {
    uint64_t late = id++, early = id++;
    batch.attempts.push_back(Attempt(late, a, row, kT0 + 5000));
    batch.attempts.push_back(Attempt(early, a, row, kT0 + 1000));
    expected.push_back(early);
    expected.push_back(late);
  }
  for (const auto& row : b1) batch.attempts.push_back(Attempt(id++, b, row, kT0));
  ASSERT_TRUE(CommitAndWait(std::move(batch)).ok());

  for (size_t page : {1u, 3u, 10000u}) {
    std::vector<uint64_t> seen;
    auto r = sql_->ForEachAttempt(
        t.id, a.id,
        [&](const engine::AttemptRecord& rec) -> core::Result<void> {
          EXPECT_EQ(rec.campaign_id, a.id);
          seen.push_back(rec.id.value);
          return core::Ok{};
        },
        page);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(seen, expected) << "page " << page;
  }
  // The visitor's error stops the walk; another tenant's campaign is NOT_FOUND; none is empty.
  int calls = 0;
  auto stopped = sql_->ForEachAttempt(t.id, a.id, [&](const engine::AttemptRecord&) -> core::Result<void> {
    ++calls;
    return core::MakeError(ErrorCode::kInternal, "disk full");
  });
  EXPECT_FALSE(stopped.ok());
  EXPECT_EQ(calls, 1);
  auto other = MakeTenant("u");
  auto hidden = sql_->ForEachAttempt(
      other.id, a.id, [](const engine::AttemptRecord&) -> core::Result<void> { return core::Ok{}; });
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound);
  auto empty = MakeCampaign(t.id, "empty");
  EXPECT_TRUE(sql_->ForEachAttempt(t.id, empty.id,
                                   [](const engine::AttemptRecord&) -> core::Result<void> {
                                     return core::MakeError(ErrorCode::kInternal, "no attempt expected");
                                   })
                  .ok());
}

TEST_P(StoreContract, RecoverClosesOpenAttemptsAndReleasesHeldContacts) {
  auto t = MakeTenant("t");
  auto c = MakeCampaign(t.id);  // max_attempts 2, interrupted: 600 s, counts
  auto rows = Insert(t.id, c.id, 5);
  engine::WriteBatch batch;
  // rows[0]: dialing when the process died (a personal callback, which the attempt consumes).
  core::Contact c0 = rows[0].contact;
  c0.state = ContactState::kInProgress;
  c0.callback = true;
  c0.callback_agent = core::AgentId{7};
  batch.contacts.push_back(engine::ToRecord(c0));
  auto open0 = Attempt(11, c, rows[0], kT0);
  open0.reason = core::ReasonCode::kOutsideCallingWindow;  // cleared when closed as interrupted
  batch.attempts.push_back(open0);
  // rows[4]: closed for good while its attempt was still open: it stays done.
  core::Contact c4 = rows[4].contact;
  c4.state = ContactState::kDone;
  c4.attempts_made = 1;
  batch.contacts.push_back(engine::ToRecord(c4));
  batch.attempts.push_back(Attempt(14, c, rows[4], kT0));
  // rows[1]: dialing with one attempt already made: the interrupted one exhausts it.
  core::Contact c1 = rows[1].contact;
  c1.state = ContactState::kInProgress;
  c1.attempts_made = 1;
  c1.phones[0].attempts = 1;
  batch.contacts.push_back(engine::ToRecord(c1));
  batch.attempts.push_back(Attempt(12, c, rows[1], kT0));
  // rows[2]: held by an offer (no attempt), due in the future.
  core::Contact c2 = rows[2].contact;
  c2.state = ContactState::kInProgress;
  c2.next_eligible_at = FromEpochMs(kT0 + 10'000'000);
  batch.contacts.push_back(engine::ToRecord(c2));
  // rows[3]: held by a reservation (no attempt), due now.
  core::Contact c3 = rows[3].contact;
  c3.state = ContactState::kInProgress;
  batch.contacts.push_back(engine::ToRecord(c3));
  ASSERT_TRUE(CommitAndWait(std::move(batch)).ok());

  const auto now = FromEpochMs(kT0 + 60'000);
  auto report = db_->Recover(now);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->attempts_interrupted, 3);
  EXPECT_EQ(report->contacts_rescheduled, 2);
  EXPECT_EQ(report->contacts_released, 2);

  auto d0 = db_->GetContact(t.id, rows[0].contact.id);
  ASSERT_TRUE(d0.ok());
  EXPECT_EQ(d0->contact.contact.state, ContactState::kScheduled);
  EXPECT_EQ(core::ToEpochMs(d0->contact.contact.next_eligible_at), kT0 + 60'000 + 600'000);
  EXPECT_EQ(d0->contact.contact.attempts_made, 1);
  EXPECT_EQ(d0->contact.contact.phones[0].attempts, 1);
  EXPECT_EQ(d0->contact.contact.last_outcome, core::Outcome::kInterrupted);
  EXPECT_FALSE(d0->contact.contact.callback);
  EXPECT_FALSE(d0->contact.contact.callback_agent.valid());
  ASSERT_EQ(d0->attempts.size(), 1u);
  EXPECT_EQ(d0->attempts[0].outcome, core::Outcome::kInterrupted);
  EXPECT_FALSE(d0->attempts[0].reason.has_value());
  EXPECT_EQ(core::ToEpochMs(*d0->attempts[0].ended_at), kT0 + 60'000);

  auto d1 = db_->GetContact(t.id, rows[1].contact.id);
  EXPECT_EQ(d1->contact.contact.state, ContactState::kExhausted);
  EXPECT_EQ(d1->contact.contact.attempts_made, 2);

  auto d2 = db_->GetContact(t.id, rows[2].contact.id);
  EXPECT_EQ(d2->contact.contact.state, ContactState::kScheduled);
  EXPECT_EQ(d2->contact.contact.attempts_made, 0);
  EXPECT_EQ(core::ToEpochMs(d2->contact.contact.next_eligible_at), kT0 + 10'000'000);
  auto d3 = db_->GetContact(t.id, rows[3].contact.id);
  EXPECT_EQ(d3->contact.contact.state, ContactState::kCallable);
  EXPECT_EQ(d3->contact.contact.attempts_made, 0);

  auto d4 = db_->GetContact(t.id, rows[4].contact.id);
  EXPECT_EQ(d4->contact.contact.state, ContactState::kDone);
  EXPECT_EQ(d4->contact.contact.attempts_made, 1);
  EXPECT_EQ(d4->contact.contact.phones[0].attempts, 0);
  ASSERT_EQ(d4->attempts.size(), 1u);
  EXPECT_EQ(d4->attempts[0].outcome, core::Outcome::kInterrupted);

  auto again = db_->Recover(FromEpochMs(kT0 + 120'000));  // idempotent
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->attempts_interrupted, 0);
  EXPECT_EQ(again->contacts_rescheduled, 0);
  EXPECT_EQ(again->contacts_released, 0);
}

class CollectingSink final : public engine::LoadSink {
 public:
  void OnTenant(const engine::TenantRow& t) override { log.push_back("tenant " + t.settings.name); }
  void OnUser(const engine::UserRow& u) override { log.push_back("user " + u.username); }
  void OnCampaign(const engine::CampaignRow& c) override { log.push_back("campaign " + c.settings.name); }
  void OnContacts(core::CampaignId campaign, engine::ContactLoadBatch&& batch) override {
    log.push_back("contacts " + campaign.str());
    for (auto& c : batch.contacts) {
      ContactRow row;
      row.timezone = batch.zone_names.at(c.zone);
      c.zone = 0;
      row.contact = std::move(c);
      contacts[campaign.value].push_back(std::move(row));
    }
  }
  void OnDnc(const engine::DncRecord& d) override { log.push_back("dnc " + d.number); }
  void OnAttemptCounts(core::CampaignId campaign,
                       const std::array<int64_t, core::kOutcomeCount>& by) override {
    counts[campaign.value] = by;
    log.push_back("counts " + campaign.str());
  }
  void OnIdFloor(uint64_t floor) override {
    id_floor = floor;
    log.push_back("floor");
  }
  std::vector<std::string> log;
  std::map<uint64_t, std::vector<ContactRow>> contacts;
  std::map<uint64_t, std::array<int64_t, core::kOutcomeCount>> counts;
  uint64_t id_floor = 0;
};

TEST_P(StoreContract, LoadStreamsEverythingInOrder) {
  auto t = MakeTenant("t");
  auto c1 = MakeCampaign(t.id, "one");
  auto c2 = MakeCampaign(t.id, "two");
  auto r1 = Insert(t.id, c1.id, 3);
  auto r2 = Insert(t.id, c2.id, 2);
  auto more = Insert(t.id, c1.id, 2, 10);
  ASSERT_TRUE(db_->AddDnc({t.id, "tenant", "+19995550000", FromEpochMs(kT0), "admin"}).ok());
  engine::WriteBatch batch;
  auto a = Attempt(1234, c1, r1[0], kT0);
  a.ended_at = FromEpochMs(kT0 + 1);
  a.outcome = core::Outcome::kBusy;
  batch.attempts.push_back(a);
  a.id = core::CallId{1200};
  a.outcome = core::Outcome::kNoAnswer;
  batch.attempts.push_back(a);
  a.id = core::CallId{1201};
  a.outcome = core::Outcome::kBusy;
  batch.attempts.push_back(a);
  a.id = core::CallId{1202};
  a.outcome = core::Outcome::kInterrupted;
  batch.attempts.push_back(a);
  ASSERT_TRUE(CommitAndWait(std::move(batch)).ok());
  // A row written again counts by the outcome it has now.
  a.outcome = core::Outcome::kNoAnswer;
  engine::WriteBatch rewrite;
  rewrite.attempts.push_back(a);
  ASSERT_TRUE(CommitAndWait(std::move(rewrite)).ok());

  CollectingSink sink;
  ASSERT_TRUE(db_->Load(sink).ok());
  std::vector<std::string> expected = {"tenant t",
                                       "user admin",
                                       "campaign one",
                                       "campaign two",
                                       "contacts " + c1.id.str(),
                                       "contacts " + c2.id.str(),
                                       "dnc +19995550000",
                                       "counts " + c1.id.str(),
                                       "floor"};
  EXPECT_EQ(sink.log, expected);
  ASSERT_EQ(sink.contacts[c1.id.value].size(), 5u);
  EXPECT_EQ(sink.contacts[c1.id.value][3].contact.id, more[0].contact.id);
  EXPECT_EQ(sink.contacts[c1.id.value][0].contact.fields, r1[0].contact.fields);
  EXPECT_EQ(sink.contacts[c1.id.value][0].contact.phones.size(), 1u);
  EXPECT_EQ(sink.contacts[c2.id.value].size(), 2u);
  EXPECT_EQ(sink.counts[c1.id.value][static_cast<size_t>(core::Outcome::kBusy)], 2);
  EXPECT_EQ(sink.counts[c1.id.value][static_cast<size_t>(core::Outcome::kNoAnswer)], 2);
  EXPECT_EQ(sink.counts[c1.id.value][static_cast<size_t>(core::Outcome::kInterrupted)], 0);
  EXPECT_EQ(sink.id_floor, 1234u);
  (void)r2;
}

// Every member the store keeps of a contact, as "name=value" lines (a failure shows which).
std::string Describe(const ContactRow& row) {
  const core::Contact& c = row.contact;
  std::string out =
      "id=" + c.id.str() + "\ncampaign=" + c.campaign_id.str() + "\nname=" + c.name +
      "\ntimezone=" + row.timezone + "\npriority=" + std::to_string(c.priority) +
      "\nstate=" + std::string(core::ToString(c.state)) +
      "\nattempts_made=" + std::to_string(c.attempts_made) +
      "\nnext_eligible_at=" + std::to_string(core::ToEpochMs(c.next_eligible_at)) +
      "\nlast_outcome=" + (c.last_outcome ? std::string(core::ToString(*c.last_outcome)) : "-") +
      "\ncallback=" + std::to_string(c.callback) + "\ncallback_agent=" + c.callback_agent.str();
  for (const auto& [name, value] : c.fields) out += "\nfield " + name + "=" + value;
  for (const core::Phone& p : c.phones) {
    out += "\nphone " + p.number + " type=" + p.type + " attempts=" + std::to_string(p.attempts) +
           " invalid=" + std::to_string(p.invalid);
  }
  return out;
}

// The start-up load reads a contact its own way (SQLite: the row's load_image, one value that the
// database computes; store/sqlite/load_image.h): it must give what the contact pages give, for
// every member, after an import and after the writer changed the row.
TEST_P(StoreContract, LoadGivesEveryContactAsItsPageDoes) {
  auto t = MakeTenant("t");
  auto c = MakeCampaign(t.id);
  std::vector<ContactRow> rows;
  rows.push_back(Row("Zoë \"Z\" O'Neil | 3:x", "+12015550100", 90));
  rows.back().contact.phones.push_back(core::Phone{"+12015550101", "home \"2\"", 0, false});
  rows.back().contact.phones.push_back(core::Phone{"+12015550102", "", 0, false});
  rows.back().timezone = "";  // the tenant's default
  rows.push_back(Row("", "+12015550200"));
  rows.back().contact.fields.clear();
  rows.push_back(Row("Plain", "+12015550300", 7));
  rows.back().contact.fields = {{"é", "ü\t|"}, {"12:", "3 4"}};
  rows.back().timezone = "Europe/Berlin";
  for (int i = 0; i < 40; ++i)
    rows.push_back(Row("bulk" + std::to_string(i), "+1201555" + std::to_string(1000 + i)));
  ASSERT_TRUE(db_->InsertContacts(t.id, c.id, rows).ok());

  // The writer changes some: counts, an invalid number, outcomes, a personal callback.
  engine::WriteBatch batch;
  core::Contact k0 = rows[0].contact;
  k0.state = ContactState::kScheduled;
  k0.attempts_made = 3;
  k0.phones[0].attempts = 2;
  k0.phones[1].attempts = 1;
  k0.phones[1].invalid = true;
  k0.last_outcome = core::Outcome::kNoAnswer;
  k0.next_eligible_at = FromEpochMs(kT0 + 3'600'000);
  k0.callback = true;
  k0.callback_agent = core::AgentId{4242};
  batch.contacts.push_back(engine::ToRecord(k0));
  core::Contact k1 = rows[1].contact;
  k1.state = ContactState::kDone;
  k1.attempts_made = 1;
  k1.phones[0].attempts = 11;
  k1.last_outcome = core::Outcome::kBusy;
  batch.contacts.push_back(engine::ToRecord(k1));
  ASSERT_TRUE(CommitAndWait(std::move(batch)).ok());

  CollectingSink sink;
  ASSERT_TRUE(db_->Load(sink).ok());
  auto page = db_->ListContacts(t.id, c.id, std::nullopt, 1000, "");
  ASSERT_TRUE(page.ok()) << page.error().message;
  const auto& loaded = sink.contacts[c.id.value];
  ASSERT_EQ(loaded.size(), rows.size());
  ASSERT_EQ(page->items.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(Describe(loaded[i]), Describe(page->items[i])) << i;
  // And what was written is what comes back.
  EXPECT_EQ(loaded[0].contact.phones.size(), 3u);
  EXPECT_TRUE(loaded[0].contact.phones[1].invalid);
  EXPECT_EQ(loaded[0].contact.phones[1].type, "home \"2\"");
  EXPECT_EQ(loaded[0].contact.phones[1].attempts, 1);
  EXPECT_EQ(loaded[0].contact.callback_agent, core::AgentId{4242});
  EXPECT_EQ(loaded[0].contact.name, rows[0].contact.name);
  EXPECT_EQ(loaded[1].contact.phones[0].attempts, 11);
  EXPECT_EQ(loaded[2].contact.fields, rows[2].contact.fields);
  EXPECT_EQ(loaded[2].timezone, "Europe/Berlin");
}

// Recovery rewrites contacts by statements of its own: the load still gives what the pages give.
TEST_P(StoreContract, LoadAfterRecoveryGivesEveryContactAsItsPageDoes) {
  auto t = MakeTenant("t");
  auto c = MakeCampaign(t.id);
  auto rows = Insert(t.id, c.id, 3);
  engine::WriteBatch batch;
  for (int i = 0; i < 2; ++i) {
    core::Contact k = rows[i].contact;
    k.state = ContactState::kInProgress;
    batch.contacts.push_back(engine::ToRecord(k));
  }
  batch.attempts.push_back(Attempt(21, c, rows[0], kT0));  // rows[0] dialing, rows[1] offered
  ASSERT_TRUE(CommitAndWait(std::move(batch)).ok());
  ASSERT_TRUE(db_->Recover(FromEpochMs(kT0 + 60'000)).ok());
  CollectingSink sink;
  ASSERT_TRUE(db_->Load(sink).ok());
  auto page = db_->ListContacts(t.id, c.id, std::nullopt, 100, "");
  ASSERT_TRUE(page.ok());
  const auto& loaded = sink.contacts[c.id.value];
  ASSERT_EQ(loaded.size(), 3u);
  for (size_t i = 0; i < loaded.size(); ++i) EXPECT_EQ(Describe(loaded[i]), Describe(page->items[i])) << i;
  EXPECT_EQ(loaded[0].contact.state, ContactState::kScheduled);  // interrupted: the retry delay
  EXPECT_EQ(loaded[1].contact.state, ContactState::kCallable);   // released as it was
}

// Drops every table of the test's database: what is left is an empty database of no version.
void WipeSchema(sql::Connection& db) {
  if (db.dialect() == sql::Dialect::kPostgres) {
    ASSERT_TRUE(db.Exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public").ok());
    return;
  }
  std::vector<std::string> tables;
  {
    sql::Query q(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    for (;;) {
      auto row = q.Step();
      ASSERT_TRUE(row.ok());
      if (!*row) break;
      tables.emplace_back(q.Text(0));
    }
  }
  ASSERT_TRUE(db.Exec("PRAGMA foreign_keys=OFF").ok());
  for (const std::string& table : tables) ASSERT_TRUE(db.Exec("DROP TABLE " + table).ok());
  ASSERT_TRUE(db.Exec("DELETE FROM sqlite_sequence; PRAGMA foreign_keys=ON").ok());
}

// Empties the test's database and gives it schema version 1 with tenant 1 and its campaign 1, as
// an older outdial wrote them.
void StartVersionOneDatabase(sql::Connection& db, std::span<const sql::Migration> migrations) {
  WipeSchema(db);
  ASSERT_TRUE(sql::Migrate(db, migrations.first(1)).ok());
  ASSERT_EQ(*sql::SchemaVersion(db), 1);
  core::TenantSettings ts;
  ts.name = "old";
  core::CampaignSettings cs;
  cs.name = "Renewals";
  cs.mode = core::CampaignMode::kPreviewStandard;
  sql::Query tenant(db, "INSERT INTO tenants (name, settings, created_at) VALUES ($1, $2, 0)");
  tenant.BindAll(ts.name, core::TenantSettingsToJson(ts).dump());
  ASSERT_TRUE(tenant.Run().ok());
  sql::Query campaign(
      db,
      "INSERT INTO campaigns (tenant_id, settings, status, created_at, updated_at) VALUES (1, $1, "
      "'running', 0, 0)");
  campaign.Bind(core::CampaignSettingsToJson(cs).dump());
  ASSERT_TRUE(campaign.Run().ok());
}

// A database that an older outdial wrote (schema version 1: numbers in a table of their own) keeps
// everything through the upgrade to the numbers in the contact's row (migration 2; SQLite rebuilds
// the contacts table): every number in order with its counts, the ids, the attempts that
// reference the contacts, and ids never reused.
TEST_P(StoreContract, UpgradeFromVersionOneKeepsNumbersIdsAndAttempts) {
  if (!backend_->IsSql()) GTEST_SKIP() << "not a SQL store";
  Close();
  {
    auto conn = backend_->Connect();
    ASSERT_TRUE(conn.ok());
    sql::Connection& db = **conn;
    StartVersionOneDatabase(db, backend_->Migrations());
    ASSERT_TRUE(db.Exec("INSERT INTO contacts (id, campaign_id, name, timezone, priority, fields, state, "
                        "attempts_made, next_eligible_at, last_outcome, callback, callback_agent) VALUES "
                        "(5, 1, 'Ann', 'America/Chicago', 3, '[[\"plan\",\"gold\"]]', 'scheduled', 2, 1000, "
                        "'busy', 1, 7), "
                        "(6, 1, 'Bob', '', 0, '[]', 'callable', 0, 0, NULL, 0, NULL), "
                        "(9, 1, 'Gone', '', 0, '[]', 'callable', 0, 0, NULL, 0, NULL)")
                    .ok());
    ASSERT_TRUE(db.Exec("INSERT INTO contact_phones (campaign_id, contact_id, ord, number, type, attempts, "
                        "invalid) VALUES (1, 5, 1, '+12015550002', 'home', 0, 1), "
                        "(1, 5, 0, '+12015550001', 'mobile \"m\"', 2, 0), "
                        "(1, 6, 0, '+12015550003', '', 0, 0)")
                    .ok());
    ASSERT_TRUE(db.Exec("INSERT INTO attempts (id, tenant_id, campaign_id, contact_id, agent_id, number, "
                        "started_at, ended_at, outcome, sip_code, disposition, notes) VALUES "
                        "(77, 1, 1, 5, 7, '+12015550001', 500, 600, 'busy', 486, '', '')")
                    .ok());
    ASSERT_TRUE(db.Exec("DELETE FROM contacts WHERE id = 9").ok());
    if (db.dialect() == sql::Dialect::kPostgres) {
      ASSERT_TRUE(db.Exec("SELECT setval(pg_get_serial_sequence('contacts', 'id'), 9)").ok());
    }
  }
  Reopen();  // migrates to the latest version
  {
    auto conn = backend_->Connect();
    ASSERT_TRUE(conn.ok());
    EXPECT_EQ(*sql::SchemaVersion(**conn), static_cast<int>(backend_->Migrations().size()));
  }
  auto ann = db_->GetContact(core::TenantId{1}, core::ContactId{5});
  ASSERT_TRUE(ann.ok()) << ann.error().message;
  const core::Contact& a = ann->contact.contact;
  EXPECT_EQ(a.name, "Ann");
  EXPECT_EQ(ann->contact.timezone, "America/Chicago");
  EXPECT_EQ(a.state, ContactState::kScheduled);
  EXPECT_EQ(a.last_outcome, core::Outcome::kBusy);
  EXPECT_EQ(a.callback_agent, core::AgentId{7});
  ASSERT_EQ(a.phones.size(), 2u);
  EXPECT_EQ(a.phones[0].number, "+12015550001");
  EXPECT_EQ(a.phones[0].type, "mobile \"m\"");
  EXPECT_EQ(a.phones[0].attempts, 2);
  EXPECT_FALSE(a.phones[0].invalid);
  EXPECT_EQ(a.phones[1].number, "+12015550002");
  EXPECT_TRUE(a.phones[1].invalid);
  ASSERT_EQ(ann->attempts.size(), 1u);  // the rebuild did not cascade into the attempts
  EXPECT_EQ(ann->attempts[0].id, core::CallId{77});

  CollectingSink sink;
  auto loaded = db_->Load(sink);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_EQ(sink.contacts[1].size(), 2u);
  EXPECT_EQ(Describe(sink.contacts[1][0]), Describe(ann->contact));
  EXPECT_EQ(sink.contacts[1][1].contact.phones.size(), 1u);
  EXPECT_EQ(sink.contacts[1][1].contact.phones[0].number, "+12015550003");

  auto added = Insert(core::TenantId{1}, core::CampaignId{1}, 1);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_GT(added[0].contact.id.value, 9u);  // ids are never reused
}

// Before migration 3 an attempt had no connected_at or wrapped_up_at: the answer was reported
// with the CPA verdict, and the wrap-up overwrote ended_at. The upgrade derives what the old
// columns tell honestly (connected calls, wrapped-up calls) and leaves the rest NULL.
TEST_P(StoreContract, UpgradeFromVersionTwoDerivesConnectedAndWrappedUpTimes) {
  if (!backend_->IsSql()) GTEST_SKIP() << "not a SQL store";
  Close();
  {
    auto conn = backend_->Connect();
    ASSERT_TRUE(conn.ok());
    sql::Connection& db = **conn;
    StartVersionOneDatabase(db, backend_->Migrations());
    ASSERT_TRUE(db.Exec("INSERT INTO contacts (id, campaign_id, name, timezone, priority, fields, state, "
                        "attempts_made, next_eligible_at, last_outcome, callback, callback_agent) VALUES "
                        "(5, 1, 'Ann', '', 0, '[]', 'done', 6, 0, 'connected', 0, NULL)")
                    .ok());
    ASSERT_TRUE(sql::Migrate(db, backend_->Migrations().first(2)).ok());
    ASSERT_EQ(*sql::SchemaVersion(db), 2);
    // started_at, answered_at, ended_at, outcome, sip_code, disposition.
    ASSERT_TRUE(db.Exec("INSERT INTO attempts (id, tenant_id, campaign_id, contact_id, agent_id, number, "
                        "started_at, answered_at, ended_at, outcome, sip_code, disposition, notes) VALUES "
                        // connected, wrapped up: ended_at is the wrap-up's time
                        "(81, 1, 1, 5, 7, '+12015550001', 100, 1000, 5000, 'connected', 0, 'sale', ''), "
                        // a machine put through to the agent, wrapped up
                        "(82, 1, 1, 5, 7, '+12015550001', 200, 2000, 9000, 'machine', 0, 'left_msg', ''), "
                        // a machine put through, ended but not wrapped up when the old build stopped
                        "(83, 1, 1, 5, 7, '+12015550001', 300, 3000, 3100, 'machine', 0, '', ''), "
                        // a machine that CPA hung up (the answer's 200): never connected
                        "(84, 1, 1, 5, 7, '+12015550001', 400, 4000, 4000, 'machine', 200, '', ''), "
                        "(85, 1, 1, 5, 7, '+12015550001', 500, 5000, 5000, 'fax', 200, '', ''), "
                        "(86, 1, 1, 5, 7, '+12015550001', 600, NULL, 700, 'busy', 486, '', '')")
                    .ok());
  }
  Reopen();  // migrates to the latest version
  auto ann = db_->GetContact(core::TenantId{1}, core::ContactId{5});
  ASSERT_TRUE(ann.ok()) << ann.error().message;
  std::vector<std::string> moments;  // "id: answered connected ended wrapped_up"
  for (const auto& a : ann->attempts) moments.push_back(std::to_string(a.id.value) + ": " + Moments(a));
  EXPECT_EQ(moments, (std::vector<std::string>{"81: 1000 1000 5000 5000", "82: 2000 2000 9000 9000",
                                               "83: 3000 3000 3100 -", "84: 4000 - 4000 -",
                                               "85: 5000 - 5000 -", "86: - - 700 -"}));
}

std::vector<BackendFactory> Backends() {
  return {{"sqlite", MakeSqliteBackend}, {"postgres", MakePostgresBackend}, {"memory", MakeMemoryBackend}};
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreContract, ::testing::ValuesIn(Backends()),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace outdial::store::testing
