#include "store/import/contact_export.h"

#include <gtest/gtest.h>

#include <sstream>

#include "import_test_util.h"

namespace outdial::store {
namespace {

using testing::Csv;
using testing::Describe;
using testing::RunImport;

TEST(ContactExport, QuotesWhatNeedsQuoting) {
  std::ostringstream out;
  WriteCsvField(out, "plain");
  out << '|';
  WriteCsvField(out, "a,b");
  out << '|';
  WriteCsvField(out, "say \"hi\"");
  out << '|';
  WriteCsvField(out, "two\nlines");
  out << '|';
  WriteCsvField(out, "");
  EXPECT_EQ(out.str(), "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|");
}

TEST(ContactExport, WritesContactsWithStatusAndCustomFieldColumns) {
  core::Contact c;
  c.id = core::ContactId{42};
  c.name = "Smith, John";
  c.phones = {{"+4930123456", "mobile"}, {"+4930123457", ""}};
  c.priority = 5;
  c.fields = {{"note", "x\"y"}, {"priority", "high"}};
  c.state = core::ContactState::kScheduled;
  c.attempts_made = 2;
  c.next_eligible_at = core::FromEpochMs(1700000000000);
  c.last_outcome = core::Outcome::kBusy;
  std::ostringstream out;
  ContactCsvWriter writer(out, ColumnsFor({c}));
  writer.Write(c, "Europe/Berlin");
  EXPECT_EQ(
      out.str(),
      "id,name,phone1,phone1_type,phone2,phone2_type,timezone,priority,state,attempts_made,next_eligible_at,"
      "last_outcome,note,field:priority\r\n"
      "42,\"Smith, John\",+4930123456,mobile,+4930123457,,Europe/Berlin,5,scheduled,2,1700000000000,busy,"
      "\"x\"\"y\",high\r\n");
}

TEST(ContactExport, WritesAttempts) {
  engine::AttemptRecord a;
  a.id = core::CallId{9};
  a.contact_id = core::ContactId{42};
  a.campaign_id = core::CampaignId{3};
  a.agent_id = core::AgentId{5};
  a.number = "+4930123456";
  a.started_at = core::FromEpochMs(1000);
  a.answered_at = core::FromEpochMs(2000);
  a.connected_at = core::FromEpochMs(2500);
  a.ended_at = core::FromEpochMs(3000);
  a.wrapped_up_at = core::FromEpochMs(4000);
  a.outcome = core::Outcome::kConnected;
  a.sip_code = 200;
  a.amd = core::AmdResult::kHuman;
  a.disposition = "sale";
  a.notes = "called back, \"happy\"";
  engine::AttemptRecord b;
  b.id = core::CallId{10};
  b.number = "+4930123457";
  b.started_at = core::FromEpochMs(5000);
  b.outcome = core::Outcome::kBusy;
  b.reason = core::ReasonCode::kCustomerBusy;
  b.sip_code = 486;
  std::ostringstream out;
  AttemptCsvWriter writer(out);
  writer.Write(a);
  writer.Write(b);
  EXPECT_EQ(out.str(),
            "id,contact_id,campaign_id,agent_id,number,started_at,answered_at,connected_at,ended_at,"
            "wrapped_up_at,outcome,reason_code,sip_code,amd_result,disposition,notes\r\n"
            "9,42,3,5,+4930123456,1000,2000,2500,3000,4000,connected,,200,human,sale,"
            "\"called back, \"\"happy\"\"\"\r\n"
            "10,,,,+4930123457,5000,,,,,busy,CUSTOMER_BUSY,486,,,\r\n");
}

TEST(ContactExport, AnExportImportsBackAsTheSameContacts) {
  const std::string body =
      "name,phone1,phone1_type,phone2,timezone,priority,note,state,id,name2\n"
      "\"Smith, John\",+49 30 123456,mobile,+44 20 7946 0958,,10,\"multi\nline \"\"quoted\"\"\",NJ,7,\n"
      "Jane,+1 201 555 0123,,,America/Chicago,,,,,x\n"
      "Émile,+33 1 23 45 67 89,home,,,100, spaced ,,,\n";
  auto first = RunImport(body, Csv());
  ASSERT_EQ(first.contacts.size(), 3u) << Describe(first);
  std::vector<core::Contact> contacts;
  for (auto& c : first.contacts) contacts.push_back(c.contact);
  contacts[0].state = core::ContactState::kDone;  // status does not travel back in
  contacts[0].attempts_made = 3;
  contacts[0].id = core::ContactId{1};
  std::ostringstream out;
  ContactCsvWriter writer(out, ColumnsFor(contacts));
  for (size_t i = 0; i < contacts.size(); ++i) writer.Write(contacts[i], first.contacts[i].timezone);
  auto second = RunImport(out.str(), Csv());
  ASSERT_EQ(second.contacts.size(), 3u) << Describe(second) << out.str();
  EXPECT_EQ(Describe(second), Describe(first)) << out.str();
  EXPECT_EQ(second.contacts[0].contact.state, core::ContactState::kCallable);
  EXPECT_EQ(second.contacts[0].contact.attempts_made, 0);
}

}  // namespace
}  // namespace outdial::store
