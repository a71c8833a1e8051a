// PhoneParser: turns the text of a contact's phone cell into an E.164 number with libphonenumber,
// and CountryZones: the IANA zone of a country when the country has exactly one. Both are used by
// the contact importer; they are separate so they can be tested and measured on their own.
//
// Threading: a PhoneParser is immutable after construction; Parse may be called from any number of
// threads at once (libphonenumber's PhoneNumberUtil is a thread-safe singleton). CountryZones is
// immutable after Load.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace outdial::store {

struct ParsedPhone {
  std::string e164;    // "+4930123456"
  std::string region;  // ISO 3166 alpha-2 of the number ("DE"), "001" for non-geographic numbers
};

class PhoneParser {
 public:
  // `default_region` is the tenant's region for national numbers ("US", "DE"); it must be a
  // region libphonenumber knows (see IsKnownRegion).
  explicit PhoneParser(std::string default_region);

  // Parses and validates `text`. Errors are VALIDATION_FAILED with a problem sentence naming what
  // is wrong ("not a phone number", "not a valid number for DE", ...); the caller adds the field.
  core::Result<ParsedPhone> Parse(std::string_view text) const;

  // The same, always through libphonenumber's general Parse (no fast path). For tests and the
  // benchmark, which compare the two.
  core::Result<ParsedPhone> ParseSlow(std::string_view text) const;

  static bool IsKnownRegion(std::string_view region);

 private:
  std::string default_region_;
};

// Country (ISO 3166 alpha-2) → its single IANA zone, from the system tzdata.
//
// A country has a single zone when zone1970.tab lists exactly one zone whose *first* country it
// is (zone1970.tab puts the principal country first: "DE,DK,NO,SE,SJ Europe/Berlin" is Germany's
// zone, "CH,DE,LI Europe/Zurich" is Switzerland's, which also covers Büsingen); a country that is
// first on no line there (DK, GG, ...) falls back to zone.tab, one country per line.
class CountryZones {
 public:
  // Loads `<dir>/zone1970.tab` and `<dir>/zone.tab`; at least one must be readable.
  static core::Result<CountryZones> Load(const std::string& dir = "/usr/share/zoneinfo");
  // The process-wide table from /usr/share/zoneinfo, loaded once (thread-safe); empty when the
  // files cannot be read (then no zone is ever derived).
  static const CountryZones& System();

  // The zone of `region`, or empty when it has none or several.
  std::string_view SingleZone(std::string_view region) const;

 private:
  std::map<std::string, std::string, std::less<>> single_;  // region → zone, only unique ones
};

}  // namespace outdial::store
