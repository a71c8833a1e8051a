#include <gtest/gtest.h>

#include "import_test_util.h"

namespace outdial::store {
namespace {

using testing::Describe;
using testing::Json;
using testing::RunImport;

const char* kBody = R"({"source": {"nested": [1, "]", {"x": null}]}, "contacts": [
  {"name": "Ada", "phones": [{"number": "+49 30 123456", "type": "mobile"}, {"number": "+44 20 7946 0958"}],
   "priority": 30, "fields": {"account": "A-1", "score": 7, "vip": true, "empty": "", "none": null}},
  {"name": "Bob", "phone": "+1 201 555 0123", "timezone": "America/Chicago", "id": "99", "state": "done"},
  {"name": "Cy", "phones": ["+33 1 23 45 67 89"]},
  {"name": "Bad", "phone": "12345"},
  {"name": "Both", "phone": "+49 30 123456", "phones": []},
  {"name": "Prio", "phone": "+49 30 123456", "priority": 101},
  {"name": "Zone", "phone": "+49 30 123456", "timezone": "Nowhere/Place"},
  {"name": "Syntax" "phone": "+49 30 123456"},
  [1, 2],
  {"name": "Types", "phones": [{"number": 4930123456}], "fields": {"deep": {"a": 1}}},
  {"name": "\u00c9mile", "phone": "+49 30 123457"}
], "trailer": 12.5e3})";

TEST(JsonImport, ReadsContactsAndReportsEachBadOneByItsIndex) {
  auto run = RunImport(kBody, Json("US", "UTC"));
  ASSERT_FALSE(run.summary.fatal_error) << Describe(run);
  EXPECT_EQ(run.summary.accepted, 4u) << Describe(run);
  EXPECT_EQ(run.summary.rejected, 7u) << Describe(run);
  ASSERT_EQ(run.contacts.size(), 4u);
  const auto& ada = run.contacts[0];
  EXPECT_EQ(ada.contact.name, "Ada");
  ASSERT_EQ(ada.contact.phones.size(), 2u);
  EXPECT_EQ(ada.contact.phones[0].number, "+4930123456");
  EXPECT_EQ(ada.contact.phones[0].type, "mobile");
  EXPECT_EQ(ada.contact.phones[1].number, "+442079460958");
  EXPECT_EQ(ada.timezone, "Europe/Berlin");  // from the first number
  EXPECT_EQ(ada.contact.priority, 30);
  EXPECT_EQ(ada.contact.fields, (std::vector<std::pair<std::string, std::string>>{
                                    {"account", "A-1"}, {"score", "7"}, {"vip", "true"}}));
  EXPECT_EQ(run.contacts[1].timezone, "America/Chicago");
  EXPECT_EQ(run.contacts[2].contact.phones[0].number, "+33123456789");
  EXPECT_EQ(run.contacts[2].timezone, "Europe/Paris");
  EXPECT_EQ(run.contacts[3].contact.name, "\xC3\x89mile");

  const auto& e = run.summary.errors;
  ASSERT_EQ(e.size(), 8u) << Describe(run);
  EXPECT_EQ(e[0].row, 4u);
  EXPECT_EQ(e[0].field, "phone");
  EXPECT_EQ(e[1], (RowError{5, "phones", "give either \"phones\" or \"phone\", not both"}));
  EXPECT_EQ(e[2], (RowError{6, "priority", "must be an integer from 0 to 100"}));
  EXPECT_EQ(e[3], (RowError{7, "timezone", "unknown IANA time zone \"Nowhere/Place\""}));
  EXPECT_EQ(e[4].row, 8u);
  EXPECT_NE(e[4].problem.find("not valid JSON"), std::string::npos);
  EXPECT_EQ(e[5], (RowError{9, "", "a contact must be a JSON object"}));
  EXPECT_EQ(e[6], (RowError{10, "phones[0].number", "must be a string"}));
  EXPECT_EQ(e[7], (RowError{10, "fields.deep", "must be a string, a number or a boolean"}));
}

TEST(JsonImport, ChunkBoundariesDoNotMatter) {
  const std::string body = "\xEF\xBB\xBF" + std::string(kBody);
  ImportOptions options = Json();
  options.batch_size = 2;
  const auto whole = Describe(RunImport(body, options));
  EXPECT_EQ(Describe(RunImport(body, options, 1)), whole);
  EXPECT_EQ(Describe(RunImport(body, options, 7)), whole);
  EXPECT_EQ(Describe(RunImport(body, options, 64 * 1024)), whole);
  EXPECT_NE(whole.find("accepted=4 rejected=7"), std::string::npos) << whole;
}

TEST(JsonImport, UnreadableBodiesAreOneValidationError) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty"},
      {"   ", "empty"},
      {"[]", "not a JSON object"},
      {"{}", "no \"contacts\""},
      {R"({"contacts": []})", "is empty"},
      {R"({"contacts": {}})", "must be an array"},
      {R"({"contacts": [{"phone": "+49 30 123456"})", "ends early"},
      {R"({"contacts": [{"phone": "+49 30 123456"}]} x)", "text after"},
      {R"({"contacts": [{"phone": "+49 30 123456"},]})", "a ',' before ']'"},
      {R"({"contacts": [{"phone": "+49 30 123456"}}]})", "expected ',' or ']'"},
      {R"({"contacts": [{"phone": ["+49 30 123456"}]})", "malformed"},
      {R"({"contacts": [1], "contacts": [2]})", "twice"},
      {"\x01\x02\xff\xfe", "not a JSON object"},
  };
  for (const auto& [body, part] : cases) {
    auto run = RunImport(body, Json());
    ASSERT_TRUE(run.summary.fatal_error) << body;
    EXPECT_EQ(run.summary.fatal_error->code, core::ErrorCode::kValidationFailed);
    EXPECT_NE(run.summary.fatal_error->message.find(part), std::string::npos)
        << body << " → " << run.summary.fatal_error->message;
  }
}

TEST(JsonImport, AfterAFatalErrorNoFurtherBatchIsHandedOut) {
  ImportOptions options = Json();
  options.batch_size = 1;
  auto run = RunImport(
      R"({"contacts": [{"phone": "+49 30 123456"}, {"phone": "+49 30 123457"} {"phone": "+49 30 1"}]})",
      options);
  ASSERT_TRUE(run.summary.fatal_error);
  // The first two contacts went out (one batch each) before the missing comma was seen; the third,
  // after it, never does.
  EXPECT_EQ(run.contacts.size(), 2u);
}

TEST(JsonImport, AnOversizedContactIsARowError) {
  ImportOptions options = Json();
  options.max_row_bytes = 100;
  const std::string big = R"({"phone": "+49 30 123456", "name": ")" + std::string(5000, 'x') + R"("})";
  auto run = RunImport(R"({"contacts": [)" + big + R"(, {"phone": "+49 30 123457"}]})", options, 13);
  ASSERT_FALSE(run.summary.fatal_error) << Describe(run);
  EXPECT_EQ(run.summary.accepted, 1u);
  ASSERT_EQ(run.summary.errors.size(), 1u);
  EXPECT_EQ(run.summary.errors[0], (RowError{1, "", "the contact is longer than 100 bytes"}));
}

TEST(JsonImport, EscapedKeysAndStringsWithBracketsAreRead) {
  auto run = RunImport(R"({"\u0063ontacts": [{"name": "a}]\"[{", "phone": "+49 30 123456"}]})", Json());
  ASSERT_EQ(run.contacts.size(), 1u) << Describe(run);
  EXPECT_EQ(run.contacts[0].contact.name, "a}]\"[{");
}

}  // namespace
}  // namespace outdial::store
