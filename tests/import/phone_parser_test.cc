#include "store/import/phone_parser.h"

#include "store/import/number_validator.h"

#include <gtest/gtest.h>
#include <phonenumbers/phonenumberutil.h>

#include <random>
#include <set>

namespace outdial::store {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

TEST(PhoneParser, ParsesInternationalAndNationalNumbersToE164) {
  PhoneParser us("US");
  auto a = us.Parse("+49 (30) 123-456");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->e164, "+4930123456");
  EXPECT_EQ(a->region, "DE");
  auto b = us.Parse("(201) 555-0123");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->e164, "+12015550123");
  EXPECT_EQ(b->region, "US");
  auto c = us.Parse("+39 06 1234 5678");  // Italian numbers keep their leading zero
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->e164, "+390612345678");
  auto d = us.Parse("+44 (0)20 7946 0958");  // a national prefix after the country code
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->e164, "+442079460958");
}

TEST(PhoneParser, RejectsWhatIsNotAValidNumber) {
  PhoneParser us("US");
  for (const char* text : {"", "  ", "abc", "+", "+0 123", "+999 1234567", "12", "+49 1", "+1 201 555 012",
                           "+4930123456789012345678901234567890"}) {
    auto parsed = us.Parse(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().code, core::ErrorCode::kValidationFailed);
    ASSERT_EQ(parsed.error().details.size(), 1u);
    EXPECT_FALSE(parsed.error().details[0].problem.empty());
  }
}

// The fast path must give what libphonenumber's Parse gives, for the example number of every
// number type of every region, written in E.164 and in international format.
TEST(PhoneParser, FastPathAgreesWithLibphonenumberForEveryRegionsExamples) {
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  std::set<std::string> regions;
  util->GetSupportedRegions(&regions);
  ASSERT_GT(regions.size(), 200u);
  PhoneParser parser("US");
  int compared = 0;
  for (const auto& region : regions) {
    for (int t = PhoneNumberUtil::FIXED_LINE; t <= PhoneNumberUtil::VOICEMAIL; ++t) {
      PhoneNumber example;
      if (!util->GetExampleNumberForType(region, static_cast<PhoneNumberUtil::PhoneNumberType>(t), &example))
        continue;
      for (auto format : {PhoneNumberUtil::E164, PhoneNumberUtil::INTERNATIONAL}) {
        std::string text;
        util->Format(example, format, &text);
        auto fast = parser.Parse(text);
        auto slow = parser.ParseSlow(text);
        ASSERT_EQ(fast.ok(), slow.ok()) << region << " " << text;
        if (fast.ok()) {
          EXPECT_EQ(fast->e164, slow->e164) << text;
          EXPECT_EQ(fast->region, slow->region) << text;
        }
        ++compared;
      }
      // and variations that are not valid: a digit more, a digit less
      std::string e164;
      util->Format(example, PhoneNumberUtil::E164, &e164);
      for (const std::string& variant : {e164 + "5", e164.substr(0, e164.size() - 1)}) {
        auto fast = parser.Parse(variant);
        auto slow = parser.ParseSlow(variant);
        ASSERT_EQ(fast.ok(), slow.ok()) << variant;
        if (fast.ok()) {
          EXPECT_EQ(fast->e164, slow->e164) << variant;
        }
      }
    }
  }
  EXPECT_GT(compared, 2000);
}

TEST(CountryZones, GivesTheZoneOfCountriesThatHaveOne) {
  const CountryZones& zones = CountryZones::System();
  EXPECT_EQ(zones.SingleZone("DE"), "Europe/Berlin");
  EXPECT_EQ(zones.SingleZone("GB"), "Europe/London");
  EXPECT_EQ(zones.SingleZone("CH"), "Europe/Zurich");
  EXPECT_EQ(zones.SingleZone("FR"), "Europe/Paris");
  EXPECT_EQ(zones.SingleZone("DK"), "Europe/Copenhagen");  // only in zone.tab as its own line
  EXPECT_EQ(zones.SingleZone("US"), "");
  EXPECT_EQ(zones.SingleZone("RU"), "");
  EXPECT_EQ(zones.SingleZone("001"), "");
  EXPECT_EQ(zones.SingleZone("ZZ"), "");
}

TEST(CountryZones, LoadFailsWithoutTables) {
  auto loaded = CountryZones::Load("/nonexistent");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, core::ErrorCode::kInternal);
}

}  // namespace
}  // namespace outdial::store

namespace outdial::store {
namespace {

// NumberValidator must answer what libphonenumber answers: for every region's example numbers,
// for those numbers with their last digits replaced at random, a digit more and a digit less,
// and for random digit strings under every calling code.
TEST(NumberValidator, AgreesWithLibphonenumber) {
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  const NumberValidator& validator = NumberValidator::Get();
  std::mt19937 rng(2024);
  std::set<std::string> regions;
  util->GetSupportedRegions(&regions);
  std::set<int> codes;
  util->GetSupportedCallingCodes(&codes);
  std::vector<PhoneNumber> samples;
  for (const auto& region : regions) {
    for (int t = PhoneNumberUtil::FIXED_LINE; t <= PhoneNumberUtil::VOICEMAIL; ++t) {
      PhoneNumber example;
      if (util->GetExampleNumberForType(region, static_cast<PhoneNumberUtil::PhoneNumberType>(t), &example)) {
        samples.push_back(example);
      }
    }
  }
  for (int code : codes) {
    PhoneNumber example;
    if (util->GetExampleNumberForNonGeoEntity(code, &example)) samples.push_back(example);
  }
  int checked = 0;
  int valid = 0;
  int unsupported = 0;
  auto compare = [&](int code, const std::string& nsn) {
    PhoneNumber number;
    number.set_country_code(code);
    std::string digits = nsn;
    if (digits.size() > 1 && digits[0] == '0') {
      number.set_italian_leading_zero(true);
      int zeros = 1;
      while (static_cast<size_t>(zeros) < digits.size() - 1 && digits[static_cast<size_t>(zeros)] == '0')
        ++zeros;
      if (zeros != 1) number.set_number_of_leading_zeros(zeros);
    }
    number.set_national_number(std::stoull(digits));
    std::string canonical;
    util->GetNationalSignificantNumber(number, &canonical);
    const auto answer = validator.Check(code, canonical);
    if (answer.verdict == NumberValidator::Verdict::kUnsupported) {
      ++unsupported;
      return;
    }
    const bool expected = util->IsValidNumber(number);
    std::string region;
    util->GetRegionCodeForNumber(number, &region);
    ASSERT_EQ(answer.verdict == NumberValidator::Verdict::kValid, expected)
        << "+" << code << " " << canonical;
    if (expected) {
      ASSERT_EQ(answer.region, region) << "+" << code << " " << canonical;
      ++valid;
    }
    ++checked;
  };
  for (const auto& sample : samples) {
    std::string nsn;
    util->GetNationalSignificantNumber(sample, &nsn);
    const int code = sample.country_code();
    compare(code, nsn);
    compare(code, nsn + std::to_string(rng() % 10));
    if (nsn.size() > 2) compare(code, nsn.substr(0, nsn.size() - 1));
    for (int k = 0; k < 8; ++k) {
      std::string varied = nsn;
      const size_t tail = std::min<size_t>(varied.size() - 1, 1 + rng() % 6);
      for (size_t i = varied.size() - tail; i < varied.size(); ++i)
        varied[i] = static_cast<char>('0' + rng() % 10);
      compare(code, varied);
    }
  }
  for (int code : codes) {
    for (int k = 0; k < 50; ++k) {
      std::string nsn;
      const int length = 4 + static_cast<int>(rng() % 10);
      for (int i = 0; i < length; ++i) nsn.push_back(static_cast<char>('0' + rng() % 10));
      if (nsn[0] == '0') nsn[0] = '1';
      compare(code, nsn);
    }
  }
  EXPECT_GT(checked, 20000);
  EXPECT_GT(valid, 5000);
  EXPECT_LT(unsupported, checked / 100) << "most regions' patterns should compile";
}

}  // namespace
}  // namespace outdial::store
