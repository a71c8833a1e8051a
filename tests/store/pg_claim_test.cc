// PostgreSQL contact claims (FOR UPDATE SKIP LOCKED leases) for several servers on one database:
// concurrent claimers never get the same contact, leases expire, and a release gives them back.
#include <gtest/gtest.h>

#include <future>
#include <set>
#include <thread>

#include "store/postgres/pg_database.h"
#include "tests/store/pg_cluster.h"

namespace outdial::store::testing {
namespace {

constexpr int64_t kT0 = 1'780'000'000'000;

void Inline(std::function<void()> fn) {
  fn();
}

TEST(PostgresClaim, ConcurrentClaimersNeverShareAContactAndLeasesExpire) {
  PgCluster& cluster = PgCluster::Get();
  if (!cluster.error().empty()) GTEST_SKIP() << "SKIPPED PostgreSQL claim test: " << cluster.error();
  auto url = cluster.CreateDatabase();
  ASSERT_TRUE(url.ok()) << url.error().message;
  auto setup = postgres::OpenPostgresDatabase(*url, Inline);
  ASSERT_TRUE(setup.ok()) << setup.error().message;
  core::TenantSettings ts;
  ts.name = "claims";
  auto tenant =
      (*setup)->CreateTenant(ts, engine::UserRow{{}, {}, "admin", "!", engine::Role::kAdmin, "", "", {}});
  ASSERT_TRUE(tenant.ok());
  core::CampaignSettings cs;
  cs.name = "shared";
  auto campaign = (*setup)->CreateCampaign(tenant->id, cs);
  ASSERT_TRUE(campaign.ok());
  constexpr int kContacts = 1000;
  std::vector<engine::ContactRow> rows(kContacts);
  for (int i = 0; i < kContacts; ++i) {
    // Built by appending: g++ 12 warns falsely (-Wrestrict) on "literal" + std::string&& at -O3.
    std::string name = "c", number = "+1201";
    name += std::to_string(i);
    number += std::to_string(5550000 + i);
    rows[static_cast<size_t>(i)].contact.name = name;
    rows[static_cast<size_t>(i)].contact.phones.push_back(core::Phone{number, "", 0, false});
    rows[static_cast<size_t>(i)].timezone = "UTC";
  }
  ASSERT_TRUE((*setup)->InsertContacts(tenant->id, campaign->id, rows).ok());
  // One contact is not callable: it is never claimed.
  engine::WriteBatch batch;
  rows[5].contact.state = core::ContactState::kDone;
  batch.contacts.push_back(engine::ToRecord(rows[5].contact));
  std::promise<core::Result<void>> done;
  (*setup)->Commit(std::move(batch), [&](core::Result<void> r) { done.set_value(r); });
  ASSERT_TRUE(done.get_future().get().ok());

  // Four servers, each with its own connections, claim 10 at a time until nothing is left.
  constexpr int kServers = 4;
  std::vector<std::vector<core::ContactId>> got(kServers);
  std::vector<std::string> errors(kServers);
  std::vector<std::thread> threads;
  const auto now = core::FromEpochMs(kT0);
  const auto lease = core::FromEpochMs(kT0 + 60'000);
  for (int s = 0; s < kServers; ++s) {
    threads.emplace_back([&, s] {
      auto db = postgres::OpenPostgresDatabase(*url, Inline);
      if (!db.ok()) {
        errors[static_cast<size_t>(s)] = db.error().message;
        return;
      }
      for (;;) {
        auto claimed = (*db)->ClaimContacts(campaign->id, "server" + std::to_string(s), 10, now, lease);
        if (!claimed.ok()) {
          errors[static_cast<size_t>(s)] = claimed.error().message;
          return;
        }
        if (claimed->empty()) return;
        auto& mine = got[static_cast<size_t>(s)];
        mine.insert(mine.end(), claimed->begin(), claimed->end());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<uint64_t> all;
  size_t total = 0;
  for (int s = 0; s < kServers; ++s) {
    EXPECT_EQ(errors[static_cast<size_t>(s)], "");
    total += got[static_cast<size_t>(s)].size();
    for (auto id : got[static_cast<size_t>(s)]) all.insert(id.value);
  }
  EXPECT_EQ(total, static_cast<size_t>(kContacts - 1));  // no contact twice
  EXPECT_EQ(all.size(), static_cast<size_t>(kContacts - 1));
  EXPECT_FALSE(all.contains(rows[5].contact.id.value));

  // While the leases run, nobody gets anything; after they expire, another server takes them.
  auto none = (*setup)->ClaimContacts(campaign->id, "late", 50, core::FromEpochMs(kT0 + 59'999), lease);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto expired = (*setup)->ClaimContacts(campaign->id, "late", 50, core::FromEpochMs(kT0 + 60'000),
                                         core::FromEpochMs(kT0 + 120'000));
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(expired->size(), 50u);
  auto released = (*setup)->ReleaseClaims(campaign->id, "late");
  ASSERT_TRUE(released.ok());
  EXPECT_EQ(*released, 50);
  auto again = (*setup)->ClaimContacts(campaign->id, "other", 50, core::FromEpochMs(kT0 + 60'001),
                                       core::FromEpochMs(kT0 + 120'000));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->size(), 50u);
}

}  // namespace
}  // namespace outdial::store::testing
