#include <gtest/gtest.h>

#include <date/tz.h>

#include <random>

#include "import_test_util.h"

namespace outdial::store {
namespace {

using testing::Csv;
using testing::Describe;
using testing::RunImport;

TEST(CsvImport, ReadsNamesPhonesTimezonePriorityAndCustomFields) {
  const std::string body =
      "name,phone,timezone,priority,account,segment\n"
      "Ada Lovelace,+49 30 123456,Europe/Paris,70,A-1,gold\n"
      "Bob,+1 201-555-0123,,,B-2,\n";
  auto run = RunImport(body, Csv());
  ASSERT_FALSE(run.summary.fatal_error) << Describe(run);
  EXPECT_EQ(run.summary.accepted, 2u);
  EXPECT_EQ(run.summary.rejected, 0u);
  ASSERT_EQ(run.contacts.size(), 2u);
  const auto& ada = run.contacts[0];
  EXPECT_EQ(ada.contact.name, "Ada Lovelace");
  ASSERT_EQ(ada.contact.phones.size(), 1u);
  EXPECT_EQ(ada.contact.phones[0].number, "+4930123456");
  EXPECT_EQ(ada.timezone, "Europe/Paris");  // the row's own zone wins
  EXPECT_EQ(ada.contact.priority, 70);
  EXPECT_EQ(ada.contact.fields,
            (std::vector<std::pair<std::string, std::string>>{{"account", "A-1"}, {"segment", "gold"}}));
  EXPECT_EQ(ada.contact.id.value, 0u);
  EXPECT_EQ(ada.contact.state, core::ContactState::kCallable);
  const auto& bob = run.contacts[1];
  EXPECT_EQ(bob.contact.phones[0].number, "+12015550123");
  EXPECT_EQ(bob.timezone, "America/New_York");  // +1 has many zones: the tenant default
  EXPECT_EQ(bob.contact.priority, 0);
  EXPECT_EQ(bob.contact.fields, (std::vector<std::pair<std::string, std::string>>{{"account", "B-2"}}));
}

TEST(CsvImport, DerivesTheZoneFromTheNumbersCountryWhenItHasOne) {
  const std::string body =
      "name,phone\n"
      "de,+49 30 123456\n"
      "us,+1 201 555 0123\n"
      "gb,+44 20 7946 0958\n"
      "ch,+41 44 668 18 00\n"
      "es,+34 912 345 678\n";
  auto run = RunImport(body, Csv("US", "Asia/Tokyo"));
  ASSERT_EQ(run.contacts.size(), 5u) << Describe(run);
  EXPECT_EQ(run.contacts[0].timezone, "Europe/Berlin");
  EXPECT_EQ(run.contacts[1].timezone, "Asia/Tokyo");
  EXPECT_EQ(run.contacts[2].timezone, "Europe/London");
  EXPECT_EQ(run.contacts[3].timezone, "Europe/Zurich");
  EXPECT_EQ(run.contacts[4].timezone, "Asia/Tokyo");  // Spain: Madrid, Ceuta, Canary Islands
}

TEST(CsvImport, NationalNumbersUseTheTenantRegion) {
  auto run = RunImport("name,phone\nx,030 123456\ny,555\n", Csv("DE", "UTC"));
  ASSERT_EQ(run.contacts.size(), 1u) << Describe(run);
  EXPECT_EQ(run.contacts[0].contact.phones[0].number, "+4930123456");
  EXPECT_EQ(run.contacts[0].timezone, "Europe/Berlin");
  ASSERT_EQ(run.summary.errors.size(), 1u);
  EXPECT_EQ(run.summary.errors[0].row, 2u);
  EXPECT_EQ(run.summary.errors[0].field, "phone");
}

TEST(CsvImport, HandlesBomCrlfAndQuotedFields) {
  const std::string body =
      "\xEF\xBB\xBFname,phone,note\r\n"
      "\"Smith, John\",+49 30 123456,\"He said \"\"hi\"\"\"\r\n"
      "\"Multi\r\nLine\",+49 30 123457,\"a\nb\"\r\n";
  auto run = RunImport(body, Csv());
  ASSERT_EQ(run.contacts.size(), 2u) << Describe(run);
  EXPECT_EQ(run.contacts[0].contact.name, "Smith, John");
  EXPECT_EQ(run.contacts[0].contact.fields[0].second, "He said \"hi\"");
  EXPECT_EQ(run.contacts[1].contact.name, "Multi\r\nLine");
  EXPECT_EQ(run.contacts[1].contact.fields[0].second, "a\nb");
  EXPECT_EQ(run.contacts[0].contact.fields[0].first, "note");  // the BOM is not part of the header
}

TEST(CsvImport, AcceptsLfCrAndNoFinalLineBreak) {
  for (const std::string eol : {"\n", "\r", "\r\n"}) {
    auto run = RunImport("name,phone" + eol + "a,+49 30 123456" + eol + eol + "b,+49 30 123457", Csv());
    EXPECT_EQ(run.summary.accepted, 2u) << Describe(run);
    EXPECT_EQ(run.summary.rejected, 0u);
  }
}

TEST(CsvImport, MultiplePhonesWithTypesInColumnOrderAndDeduplicated) {
  const std::string body =
      "phone2,phone1_type,name,phone1,phone2_type,phone3\n"
      "+49 30 123457,mobile,Ann,+49 30 123456,home,+49 30 123456\n"
      ",,Bea,+49 30 123458,,\n";
  auto run = RunImport(body, Csv());
  ASSERT_EQ(run.contacts.size(), 2u) << Describe(run);
  const auto& ann = run.contacts[0].contact;
  ASSERT_EQ(ann.phones.size(), 2u);
  EXPECT_EQ(ann.phones[0].number, "+4930123456");
  EXPECT_EQ(ann.phones[0].type, "mobile");
  EXPECT_EQ(ann.phones[1].number, "+4930123457");
  EXPECT_EQ(ann.phones[1].type, "home");
  EXPECT_TRUE(ann.fields.empty());
  ASSERT_EQ(run.contacts[1].contact.phones.size(), 1u);
}

TEST(CsvImport, InvalidNumbersAreRowErrorsNamingTheColumn) {
  const std::string body =
      "name,phone1,phone2\n"
      "ok,+49 30 123456,\n"
      "bad2,+49 30 123456,12\n"
      "bad1,not a number,+49 30 123456\n"
      "none,,\n"
      "bad+,+999 123456,\n";
  auto run = RunImport(body, Csv());
  EXPECT_EQ(run.summary.accepted, 1u) << Describe(run);
  EXPECT_EQ(run.summary.rejected, 4u);
  ASSERT_EQ(run.summary.errors.size(), 4u) << Describe(run);
  EXPECT_EQ(run.summary.errors[0].row, 2u);
  EXPECT_EQ(run.summary.errors[0].field, "phone2");
  EXPECT_EQ(run.summary.errors[1].row, 3u);
  EXPECT_EQ(run.summary.errors[1].field, "phone1");
  EXPECT_EQ(run.summary.errors[1].problem, "not a phone number: \"not a number\"");
  EXPECT_EQ(run.summary.errors[2].row, 4u);
  EXPECT_EQ(run.summary.errors[2].field, "phone1");
  EXPECT_EQ(run.summary.errors[2].problem, "no phone number");
  EXPECT_EQ(run.summary.errors[3].row, 5u);
}

TEST(CsvImport, InvalidTimezonePriorityAndUtf8AreRowErrors) {
  const std::string body =
      "name,phone,timezone,priority,note\n"
      "a,+49 30 123456,Mars/Olympus,,\n"
      "b,+49 30 123456,,101,\n"
      "c,+49 30 123456,,high,\n"
      "\xC3\x28,+49 30 123456,,,\n"
      "e,+49 30 123456,,,\xFF\xFE\n"
      "f,+49 30 123456,Europe/Berlin,100,ok\n";
  auto run = RunImport(body, Csv());
  EXPECT_EQ(run.summary.accepted, 1u) << Describe(run);
  ASSERT_EQ(run.summary.errors.size(), 5u) << Describe(run);
  EXPECT_EQ(run.summary.errors[0], (RowError{1, "timezone", "unknown IANA time zone \"Mars/Olympus\""}));
  EXPECT_EQ(run.summary.errors[1].field, "priority");
  EXPECT_EQ(run.summary.errors[2].field, "priority");
  EXPECT_EQ(run.summary.errors[3].field, "name");
  EXPECT_EQ(run.summary.errors[4].field, "note");
  EXPECT_EQ(run.contacts[0].contact.priority, 100);
}

TEST(CsvImport, MalformedQuotingAndColumnCountsCostOnlyTheirRow) {
  const std::string body =
      "name,phone\n"
      "ab\"c,+49 30 123456\n"
      "\"abc\"x,+49 30 123456\n"
      "too,many,columns\n"
      "few\n"
      "good,+49 30 123456\n"
      "\"open,+49 30 123456\n";
  auto run = RunImport(body, Csv());
  EXPECT_EQ(run.summary.accepted, 1u) << Describe(run);
  EXPECT_EQ(run.summary.rejected, 5u) << Describe(run);
  ASSERT_EQ(run.summary.errors.size(), 5u);
  EXPECT_EQ(run.summary.errors[0].row, 1u);
  EXPECT_NE(run.summary.errors[0].problem.find("quote inside an unquoted field"), std::string::npos);
  EXPECT_NE(run.summary.errors[1].problem.find("after the closing quote"), std::string::npos);
  EXPECT_EQ(run.summary.errors[2].problem, "expected 2 columns (as in the header), found 3");
  EXPECT_EQ(run.summary.errors[3].problem, "expected 2 columns (as in the header), found 1");
  EXPECT_EQ(run.summary.errors[4].row, 6u);
  EXPECT_NE(run.summary.errors[4].problem.find("not closed"), std::string::npos);
  EXPECT_EQ(run.contacts[0].contact.name, "good");
}

core::Error FatalOf(const std::string& body) {
  auto run = RunImport(body, Csv());
  EXPECT_TRUE(run.contacts.empty());
  EXPECT_TRUE(run.summary.fatal_error.has_value()) << Describe(run);
  return run.summary.fatal_error.value_or(core::Error{});
}

TEST(CsvImport, UnreadableBodiesAreOneValidationError) {
  struct Case {
    std::string body;
    std::string message_part;
  };
  std::string junk;
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) junk.push_back(static_cast<char>(rng()));
  const std::vector<Case> cases = {
      {"", "empty"},
      {"\xEF\xBB\xBF", "empty"},
      {"\n\n", "empty"},
      {"name,phone\n", "no contacts"},
      {"name,phone\r\n\r\n", "no contacts"},
      {"name,email\na,b\n", "no phone column"},
      {"name,phone,Name\n", "\"Name\" twice"},
      {"phone,phone1\n", "same column"},
      {"note,phone,note\n", "\"note\" twice"},
      {"phone,phone2_type\n", "\"phone2_type\" but no phone column"},
      {"phone,,x\n", "column 2"},
      {"\"name,phone\n", "header row is malformed"},
      {"na\xFFme,phone\n", "not valid UTF-8"},
      {junk, ""},
  };
  for (const auto& c : cases) {
    const core::Error error = FatalOf(c.body);
    EXPECT_EQ(error.code, core::ErrorCode::kValidationFailed) << c.body;
    std::string lower = error.message;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_NE(lower.find(c.message_part.empty() ? "" : [&] {
      std::string l = c.message_part;
      for (char& ch : l) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return l;
    }()), std::string::npos) << error.message;
  }
}

TEST(CsvImport, AHugeLineIsOneRowErrorAndMemoryStaysBounded) {
  std::string body = "name,phone\nfirst,+49 30 123456\n";
  body += "huge,";
  body.append(50u << 20, 'x');
  body += "\nlast,+49 30 123457\n";
  auto run = RunImport(body, Csv(), 64 * 1024);
  EXPECT_EQ(run.summary.accepted, 2u) << run.summary.error_count;
  ASSERT_EQ(run.summary.errors.size(), 1u);
  EXPECT_EQ(run.summary.errors[0].row, 2u);
  EXPECT_EQ(run.summary.errors[0].problem, "the row is longer than 1048576 bytes");
  ASSERT_EQ(run.contacts.size(), 2u);
  EXPECT_EQ(run.contacts[1].contact.name, "last");
}

TEST(CsvImport, AnUnclosedQuoteIsCutAtTheRowLimit) {
  ImportOptions options = Csv();
  options.max_row_bytes = 1000;
  std::string body = "name,phone\n\"never closed,+49 30 123456\n";
  for (int i = 0; i < 100; ++i) body += "row" + std::to_string(i) + ",+49 30 123456\n";
  auto run = RunImport(body, options);
  // The open quote swallows rows up to the limit, then reading resumes at the next line.
  EXPECT_GE(run.summary.rejected, 1u);
  EXPECT_GE(run.summary.accepted, 40u) << Describe(run);
  EXPECT_EQ(run.contacts.back().contact.name, "row99");
  EXPECT_EQ(run.summary.errors[0].problem, "the row is longer than 1000 bytes");
}

TEST(CsvImport, AnOversizedHeaderIsFatal) {
  ImportOptions options = Csv();
  options.max_row_bytes = 100;
  auto run = RunImport("phone," + std::string(200, 'a') + "\n+49 30 123456,x\n", options);
  ASSERT_TRUE(run.summary.fatal_error);
  EXPECT_NE(run.summary.fatal_error->message.find("header row is longer"), std::string::npos);
}

TEST(CsvImport, KeepsTheFirstMaxErrorsAndCountsThemAll) {
  ImportOptions options = Csv();
  options.max_errors = 5;
  std::string body = "name,phone\n";
  for (int i = 0; i < 20; ++i) body += "x,nope\n";
  body += "y,+49 30 123456\n";
  auto run = RunImport(body, options);
  EXPECT_EQ(run.summary.rejected, 20u);
  EXPECT_EQ(run.summary.error_count, 20u);
  ASSERT_EQ(run.summary.errors.size(), 5u);
  EXPECT_EQ(run.summary.errors[4].row, 5u);
  EXPECT_EQ(run.summary.accepted, 1u);
}

std::string MixedBody(int rows) {
  std::string body = "\xEF\xBB\xBFname,phone1,phone1_type,phone2,timezone,priority,note\r\n";
  const char* numbers[] = {"+49 30 123456", "+1 201-555-0123", "+44 20 7946 0958", "+33 1 23 45 67 89",
                           "bad"};
  for (int i = 0; i < rows; ++i) {
    body += "\"Name " + std::to_string(i) + ", \"\"q\"\"\"," + numbers[i % 5] + ",mobile," +
            (i % 3 == 0 ? "+41 44 668 18 00" : "") + "," + (i % 7 == 0 ? "Asia/Tokyo" : "") + "," +
            std::to_string(i % 101) + ",\"line1\nline2\"\r\n";
    if (i % 11 == 0) body += "broken\"row,+49 30 123456,,,,,\r\n";
  }
  return body;
}

TEST(CsvImport, ChunkBoundariesDoNotMatter) {
  const std::string body = MixedBody(300);
  ImportOptions options = Csv();
  options.batch_size = 64;
  const auto whole = Describe(RunImport(body, options));
  EXPECT_EQ(Describe(RunImport(body, options, 1)), whole);
  EXPECT_EQ(Describe(RunImport(body, options, 7)), whole);
  EXPECT_EQ(Describe(RunImport(body, options, 64 * 1024)), whole);
  // and random cuts
  std::mt19937 rng(42);
  auto importer_run = [&] {
    testing::ImportRun run;
    auto importer =
        ContactImporter::Create(options, [&](std::vector<ImportedContact>&& batch) -> core::Result<void> {
          for (auto& c : batch) run.contacts.push_back(std::move(c));
          return core::Ok{};
        });
    size_t i = 0;
    while (i < body.size()) {
      const size_t n = std::min(body.size() - i, static_cast<size_t>(rng() % 100));
      EXPECT_TRUE((*importer)->Feed(std::string_view(body).substr(i, n)).ok());
      i += n;
    }
    run.summary = (*importer)->Finish();
    return run;
  };
  EXPECT_EQ(Describe(importer_run()), whole);
  EXPECT_NE(whole.find("accepted=240 rejected=88"), std::string::npos) << whole.substr(0, 200);
}

TEST(CsvImport, ThreadsGiveTheSameResult) {
  const std::string body = MixedBody(3000);
  ImportOptions options = Csv();
  options.batch_size = 1000;
  const auto one = Describe(RunImport(body, options));
  options.threads = 4;
  EXPECT_EQ(Describe(RunImport(body, options)), one);
}

TEST(CsvImport, BatchesHoldOnlyValidContactsAndAtMostBatchSize) {
  ImportOptions options = Csv();
  options.batch_size = 3;
  std::string body = "name,phone\n";
  for (int i = 0; i < 10; ++i)
    body += "n" + std::to_string(i) + "," + (i == 4 ? "bad" : "+49 30 12345" + std::to_string(i)) + "\n";
  auto run = RunImport(body, options);
  EXPECT_EQ(run.batch_sizes, (std::vector<size_t>{3, 2, 3, 1}));
  EXPECT_EQ(run.summary.accepted, 9u);
  for (const auto& c : run.contacts) EXPECT_FALSE(c.contact.phones.empty());
}

TEST(CsvImport, ReportsProgressEveryNRowsAndAtTheEnd) {
  ImportOptions options = Csv();
  options.progress_every_rows = 4;
  options.batch_size = 2;
  std::string body = "name,phone\n";
  for (int i = 0; i < 10; ++i) body += "n,+49 30 12345" + std::to_string(i) + "\n";
  auto run = RunImport(body, options, 5);
  ASSERT_EQ(run.progress.size(), 3u);
  EXPECT_EQ(run.progress[0].rows_seen, 4u);
  EXPECT_EQ(run.progress[1].rows_seen, 8u);
  EXPECT_LT(run.progress[0].bytes_consumed, run.progress[1].bytes_consumed);
  EXPECT_EQ(run.progress[2].rows_seen, 10u);
  EXPECT_EQ(run.progress[2].bytes_consumed, body.size());
  EXPECT_EQ(run.progress[2].accepted, 10u);
}

TEST(CsvImport, AFailingBatchCallbackStopsTheImport) {
  ImportOptions options = Csv();
  options.batch_size = 2;
  int batches = 0;
  auto importer = ContactImporter::Create(options, [&](std::vector<ImportedContact>&&) -> core::Result<void> {
    ++batches;
    return core::MakeError(core::ErrorCode::kUnavailable, "disk full");
  });
  ASSERT_TRUE(importer.ok());
  auto fed = (*importer)->Feed("phone\n+49 30 123456\n+49 30 123457\n+49 30 123458\n");
  EXPECT_FALSE(fed.ok());
  auto summary = (*importer)->Finish();
  EXPECT_EQ(batches, 1);
  EXPECT_EQ(summary.accepted, 0u);
  ASSERT_TRUE(summary.fatal_error);
  EXPECT_EQ(summary.fatal_error->code, core::ErrorCode::kUnavailable);
}

TEST(CsvImport, RejectsBadOptions) {
  ImportOptions options = Csv("XX", "Nowhere/City");
  options.batch_size = 0;
  auto importer = ContactImporter::Create(
      options, [](std::vector<ImportedContact>&&) -> core::Result<void> { return core::Ok{}; });
  ASSERT_FALSE(importer.ok());
  EXPECT_EQ(importer.error().code, core::ErrorCode::kValidationFailed);
  ASSERT_EQ(importer.error().details.size(), 3u);
  EXPECT_EQ(importer.error().details[0].field, "default_region");
  EXPECT_EQ(importer.error().details[1].field, "default_timezone");
  EXPECT_EQ(importer.error().details[2].field, "batch_size");
}

TEST(CsvImport, InternsZonesInTheEnginesTable) {
  core::ZoneTable zones;
  ImportOptions options = Csv("US", "UTC");
  options.zones = &zones;
  options.campaign_id = core::CampaignId{7};
  options.now = core::FromEpochMs(1234);
  auto run = RunImport("phone,timezone\n+49 30 123456,\n+44 20 7946 0958,\n+49 30 123457,\n", options);
  ASSERT_EQ(run.contacts.size(), 3u);
  EXPECT_EQ(zones.Name(run.contacts[0].contact.zone), "Europe/Berlin");
  EXPECT_EQ(zones.Name(run.contacts[1].contact.zone), "Europe/London");
  EXPECT_EQ(run.contacts[0].contact.zone, run.contacts[2].contact.zone);
  EXPECT_EQ(run.contacts[0].contact.campaign_id.value, 7u);
  EXPECT_EQ(core::ToEpochMs(run.contacts[0].contact.next_eligible_at), 1234);
}

TEST(CsvImport, FieldPrefixNamesACustomFieldThatCollidesWithAColumn) {
  auto run = RunImport("phone,field:priority,field:name\n+49 30 123456,high,nick\n", Csv());
  ASSERT_EQ(run.contacts.size(), 1u) << Describe(run);
  EXPECT_EQ(run.contacts[0].contact.priority, 0);
  EXPECT_EQ(run.contacts[0].contact.fields,
            (std::vector<std::pair<std::string, std::string>>{{"priority", "high"}, {"name", "nick"}}));
}

TEST(CsvImport, AStateColumnIsACustomFieldUnlessTheFileIsAnExport) {
  auto run = RunImport("phone,state\n+1 201 555 0123,NJ\n", Csv());
  ASSERT_EQ(run.contacts.size(), 1u) << Describe(run);
  EXPECT_EQ(run.contacts[0].contact.fields,
            (std::vector<std::pair<std::string, std::string>>{{"state", "NJ"}}));
}

}  // namespace
}  // namespace outdial::store
