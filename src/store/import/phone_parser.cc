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
    case PhoneNumberUtil::NO_PARSING_ERROR:
      return "";
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      return "unknown country calling code (give the number in +<country code> form)";
    case PhoneNumberUtil::NOT_A_NUMBER:
      return "not a phone number";
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN:
      return "too short to be a phone number";
    case PhoneNumberUtil::TOO_LONG_NSN:
      return "too long to be a phone number";
  }
  return "not a phone number";
}

// libphonenumber's own limits on the national significant number (phonenumberutil.cc).
constexpr size_t kMinNsnLength = 2;
constexpr size_t kMaxNsnLength = 17;
constexpr size_t kMaxCountryCodeLength = 3;

// The fast path: a number written "+<digits>" (spaces, dashes, dots and brackets allowed between
// the digits), which is how nearly every exported contact list carries its numbers. libphonenumber's
// general Parse spends ~10 µs on regular expressions (punctuation, extensions, IDD prefixes) that
// such text does not need; here the country code is found the way ExtractCountryCode does it
// (the longest of 1–3 leading digits that is an assigned calling code — codes are prefix-free) and
// the PhoneNumber is filled as ParseHelper fills it. Returns false when the text is not of that form
// or the number it gives is not valid; the caller then takes the general path, which also covers
// the one thing skipped here, stripping a national prefix written after the country code
// ("+44 (0)20 ..."): a number that still carries one is not valid without the strip.
bool FastPlusNumber(std::string_view text, PhoneNumber* number, std::string* nsn_out) {
  char digits[32];
  size_t n = 0;
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  if (i == text.size() || text[i] != '+') return false;
  for (++i; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      if (n == sizeof(digits)) return false;
      digits[n++] = c;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '\t') {
      return false;
    }
  }
  if (n < 1 + kMinNsnLength || digits[0] == '0') return false;
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  int country_code = 0;
  size_t cc_length = 0;
  std::string region;
  for (size_t len = 1; len <= kMaxCountryCodeLength && len < n; ++len) {
    int candidate = 0;
    for (size_t k = 0; k < len; ++k) candidate = candidate * 10 + (digits[k] - '0');
    util->GetRegionCodeForCountryCode(candidate, &region);
    if (region != "ZZ") {
      country_code = candidate;
      cc_length = len;
      break;
    }
  }
  if (country_code == 0) return false;
  const size_t nsn_length = n - cc_length;
  if (nsn_length < kMinNsnLength || nsn_length > kMaxNsnLength) return false;
  number->Clear();
  number->set_country_code(country_code);
  const char* nsn = digits + cc_length;
  // As ParseHelper's SetItalianLeadingZerosForPhoneNumber: leading zeros are part of the number.
  if (nsn_length > 1 && nsn[0] == '0') {
    number->set_italian_leading_zero(true);
    int zeros = 1;
    while (static_cast<size_t>(zeros) < nsn_length - 1 && nsn[zeros] == '0') ++zeros;
    if (zeros != 1) number->set_number_of_leading_zeros(zeros);
  }
  uint64_t national = 0;
  for (size_t k = 0; k < nsn_length; ++k) national = national * 10 + static_cast<uint64_t>(nsn[k] - '0');
  number->set_national_number(national);
  nsn_out->assign(nsn, nsn_length);  // = GetNationalSignificantNumber: leading zeros included
  return true;
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
    case NumberValidator::Verdict::kValid:
      *region = answer.region;
      return true;
    case NumberValidator::Verdict::kInvalid:
      return false;
    case NumberValidator::Verdict::kUnsupported:
      return ValidWithRegion(number, region);
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
    PhoneNumber number;
    std::string nsn;
    std::string region;
    if (FastPlusNumber(text, &number, &nsn) && Valid(number, nsn, &region))
      return Finish(number, std::move(region));
    // The general path: libphonenumber's Parse (national numbers, IDD prefixes, a national prefix
    // after the country code, extensions), then the same validation.
    size_t begin = 0;
    size_t end = text.size();
    while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
    while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
    if (begin == end) return Problem("empty");
    const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
    number.Clear();
    const auto error = util->Parse(std::string(text.substr(begin, end - begin)), default_region_, &number);
    if (error != PhoneNumberUtil::NO_PARSING_ERROR) return Problem(std::string(ParseErrorSentence(error)));
    nsn.clear();  // GetNationalSignificantNumber appends
    util->GetNationalSignificantNumber(number, &nsn);
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
  if (!any)
    return core::MakeError(core::ErrorCode::kInternal, "cannot read zone1970.tab or zone.tab in " + dir);
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
