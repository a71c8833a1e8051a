#include "store/import/phone_parser.h"

#include "store/import/number_validator.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace outdial::store {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

core::Error Problem(std::string problem) {
  return core::Error{core::ErrorCode::kValidationFailed, "Invalid phone number.", {{"", std::move(problem)}}};
}

std::string_view ParseErrorSentence(PhoneNumberUtil::ErrorType error) {
  switch (error) {
    case PhoneNumberUtil::NO_PARSING_ERROR: return "";
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      return "unknown country calling code (give the number in +<country code> form)";
    case PhoneNumberUtil::NOT_A_NUMBER: return "not a phone number";
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN: return "too short to be a phone number";
    case PhoneNumberUtil::TOO_LONG_NSN: return "too long to be a phone number";
  }
  return "not a phone number";
}

// libphonenumber's own limits on the national significant number (phonenumberutil.cc).
constexpr size_t kMinNsnLength = 2;
constexpr size_t kMaxNsnLength = 17;
constexpr size_t kMaxCountryCodeLength = 3;

// The digits of `text` when it is only digits and the separators lists use between them
// (space, '-', '.', brackets), with or without one leading '+'; false otherwise. libphonenumber's
// general Parse spends ~10 µs on regular expressions (punctuation, extensions, IDD prefixes, vanity
// letters) that such text does not need.
bool PlainDigits(std::string_view text, bool* plus, std::string* digits) {
  size_t i = 0;
  size_t end = text.size();
  while (i < end && (text[i] == ' ' || text[i] == '\t')) ++i;
  while (end > i && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  *plus = i < end && text[i] == '+';
  if (*plus) ++i;
  digits->clear();
  for (; i < end; ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      if (digits->size() == 32) return false;
      digits->push_back(c);
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return false;
    }
  }
  return !digits->empty();
}

// "+<digits>": the calling code found as ExtractCountryCode finds it (the first of the 1–3
// leading digits that is an assigned calling code; codes are prefix-free) and the rest as the
// national significant number, as ParseHelper makes it. What is skipped here is stripping a national
// prefix written after the calling code ("+44 (0)20 ..."): a number that still carries one is not
// valid without the strip, so the caller then takes the general path.
bool SplitCallingCode(std::string_view digits, int* country_code, std::string* nsn) {
  if (digits.size() < 1 + kMinNsnLength || digits[0] == '0') return false;
  const NumberValidator& validator = NumberValidator::Get();
  int candidate = 0;
  for (size_t len = 1; len <= kMaxCountryCodeLength && len < digits.size(); ++len) {
    candidate = candidate * 10 + (digits[len - 1] - '0');
    if (validator.IsCallingCode(candidate)) {
      const size_t nsn_length = digits.size() - len;
      if (nsn_length < kMinNsnLength || nsn_length > kMaxNsnLength) return false;
      *country_code = candidate;
      nsn->assign(digits.substr(len));
      return true;
    }
  }
  return false;
}

// The PhoneNumber of a calling code and national significant number, as ParseHelper fills it
// (SetItalianLeadingZerosForPhoneNumber: leading zeros are part of the number).
PhoneNumber MakeNumber(int country_code, std::string_view nsn) {
  PhoneNumber number;
  number.set_country_code(country_code);
  if (nsn.size() > 1 && nsn[0] == '0') {
    number.set_italian_leading_zero(true);
    int zeros = 1;
    while (static_cast<size_t>(zeros) < nsn.size() - 1 && nsn[static_cast<size_t>(zeros)] == '0') ++zeros;
    if (zeros != 1) number.set_number_of_leading_zeros(zeros);
  }
  uint64_t national = 0;
  for (char c : nsn) national = national * 10 + static_cast<uint64_t>(c - '0');
  number.set_national_number(national);
  return number;
}

// IsValidNumber is GetRegionCodeForNumber followed by IsValidNumberForRegion; doing the two steps
// here gives the region (for the time zone) without looking it up twice.
bool ValidWithRegion(const PhoneNumber& number, std::string* region) {
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  util->GetRegionCodeForNumber(number, region);
  if (*region == "ZZ") return false;
  return util->IsValidNumberForRegion(number, *region);
}

ParsedPhone Finish(const PhoneNumber& number, std::string region) {
  ParsedPhone parsed;
  PhoneNumberUtil::GetInstance()->Format(number, PhoneNumberUtil::E164, &parsed.e164);
  parsed.region = std::move(region);
  return parsed;
}

// Valid, invalid, or (for a region whose patterns NumberValidator cannot compile) libphonenumber's
// own answer.
bool Valid(const PhoneNumber& number, const std::string& nsn, std::string* region) {
  const auto answer = NumberValidator::Get().Check(number.country_code(), nsn);
  switch (answer.verdict) {
    case NumberValidator::Verdict::kValid: *region = answer.region; return true;
    case NumberValidator::Verdict::kInvalid: return false;
    case NumberValidator::Verdict::kUnsupported: return ValidWithRegion(number, region);
  }
  return ValidWithRegion(number, region);
}

}  // namespace

PhoneParser::PhoneParser(std::string default_region) : default_region_(std::move(default_region)) {}

bool PhoneParser::IsKnownRegion(std::string_view region) {
  std::set<std::string> regions;
  PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
  return regions.count(std::string(region)) > 0;
}

core::Result<ParsedPhone> PhoneParser::Parse(std::string_view text) const {
  try {
    // Fast paths: "+<digits>", or national digits in the tenant's region, validated by
    // NumberValidator. E.164 is "+", the calling code and the national significant number (what
    // Format(E164) writes).
    bool plus = false;
    std::string digits;
    int country_code = 0;
    std::string nsn;
    if (PlainDigits(text, &plus, &digits)) {
      bool split = false;
      if (plus) {
        split = SplitCallingCode(digits, &country_code, &nsn);
      } else if (auto national = NumberValidator::Get().NationalNumber(default_region_, digits)) {
        country_code = national->country_code;
        nsn = std::move(national->nsn);
        split = true;
      }
      if (split) {
        const auto answer = NumberValidator::Get().Check(country_code, nsn);
        std::string region;
        bool valid = answer.verdict == NumberValidator::Verdict::kValid;
        if (valid) region = answer.region;
        if (answer.verdict == NumberValidator::Verdict::kUnsupported) {
          valid = ValidWithRegion(MakeNumber(country_code, nsn), &region);
        }
        if (valid) {
          // Appended, not "+" + ...: g++ 12 warns falsely (-Wrestrict) on that at -O2.
          ParsedPhone parsed;
          parsed.e164.reserve(1 + 3 + nsn.size());
          parsed.e164.push_back('+');
          parsed.e164.append(std::to_string(country_code));
          parsed.e164.append(nsn);
          parsed.region = std::move(region);
          return parsed;
        }
      }
    }
    // The general path: libphonenumber's Parse (IDD prefixes, a national prefix after the calling
    // code, carrier codes, extensions, vanity letters), then the same validation.
    size_t begin = 0;
    size_t end = text.size();
    while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
    while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
    if (begin == end) return Problem("empty");
    const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    const auto error = util->Parse(std::string(text.substr(begin, end - begin)), default_region_, &number);
    if (error != PhoneNumberUtil::NO_PARSING_ERROR) return Problem(std::string(ParseErrorSentence(error)));
    nsn.clear();  // GetNationalSignificantNumber appends
    util->GetNationalSignificantNumber(number, &nsn);
    std::string region;
    if (!Valid(number, nsn, &region)) {
      util->GetRegionCodeForNumber(number, &region);  // only for the message
      return Problem(region == "ZZ" || region.empty() ? "not a valid phone number"
                                                      : "not a valid phone number for " + region);
    }
    return Finish(number, std::move(region));
  } catch (const std::exception& e) {
    // libphonenumber does not throw by design, but protobuf and ICU underneath may (bad_alloc).
    return core::MakeError(core::ErrorCode::kInternal,
                           std::string("phone number library failed: ") + e.what());
  }
}

core::Result<ParsedPhone> PhoneParser::ParseSlow(std::string_view text) const {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  if (begin == end) return Problem("empty");
  try {
    const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    const auto error = util->Parse(std::string(text.substr(begin, end - begin)), default_region_, &number);
    if (error != PhoneNumberUtil::NO_PARSING_ERROR) return Problem(std::string(ParseErrorSentence(error)));
    std::string region;
    if (!ValidWithRegion(number, &region)) {
      return Problem(region == "ZZ" || region.empty() ? "not a valid phone number"
                                                      : "not a valid phone number for " + region);
    }
    return Finish(number, std::move(region));
  } catch (const std::exception& e) {
    return core::MakeError(core::ErrorCode::kInternal,
                           std::string("phone number library failed: ") + e.what());
  }
}

core::Result<CountryZones> CountryZones::Load(const std::string& dir) {
  // region → zones, from each table
  std::map<std::string, std::set<std::string>> principal;  // zone1970.tab, first country only
  std::map<std::string, std::set<std::string>> listed;     // zone.tab
  bool any = false;
  auto read = [&](const std::string& path, bool first_only,
                  std::map<std::string, std::set<std::string>>& into) {
    std::ifstream in(path);
    if (!in) return;
    any = true;
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> cols;
      std::stringstream ss(line);
      std::string col;
      while (std::getline(ss, col, '\t')) cols.push_back(col);
      if (cols.size() < 3) continue;
      std::string codes = cols[0];
      if (first_only) codes = codes.substr(0, codes.find(','));
      std::stringstream cs(codes);
      std::string code;
      while (std::getline(cs, code, ',')) into[code].insert(cols[2]);
    }
  };
  read(dir + "/zone1970.tab", true, principal);
  read(dir + "/zone.tab", false, listed);
  if (!any) {
    return core::MakeError(core::ErrorCode::kInternal, "cannot read zone1970.tab or zone.tab in " + dir);
  }
  CountryZones table;
  for (const auto& [region, zones] : principal) {
    if (zones.size() == 1) table.single_.emplace(region, *zones.begin());
  }
  for (const auto& [region, zones] : listed) {
    if (principal.count(region) == 0 && zones.size() == 1) table.single_.emplace(region, *zones.begin());
  }
  return table;
}

const CountryZones& CountryZones::System() {
  static const CountryZones table = [] {
    auto loaded = Load();
    return loaded.ok() ? std::move(loaded).value() : CountryZones{};
  }();
  return table;
}

std::string_view CountryZones::SingleZone(std::string_view region) const {
  auto it = single_.find(region);
  return it == single_.end() ? std::string_view{} : std::string_view{it->second};
}

}  // namespace outdial::store
