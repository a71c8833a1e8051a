// NumberValidator: libphonenumber's validity check (IsValidNumber, GetRegionCodeForNumber) done
// against libphonenumber's own compiled-in metadata, with the metadata's digit patterns compiled
// to DFAs (digit_dfa.h) instead of run through ICU regular expressions. libphonenumber spends ~6 µs per
// number matching up to a dozen ICU patterns (each converting the input to UTF-16 and allocating a matcher);
// a DFA walk over at most 17 digits costs well under a microsecond, and a contact import is dominated by
// exactly this check.
//
// It follows phonenumberutil.cc step by step (GetRegionCodeForNumberFromRegionList,
// IsValidNumberForRegion, GetNumberTypeHelper, IsNumberMatchingDesc). A pattern using a construct
// the small compiler does not know makes that region "unsupported": Check then answers
// kUnsupported and the caller asks libphonenumber. Tests compare it with libphonenumber on every
// region's example numbers and on random numbers.
//
// Threading: the metadata is loaded once; each region's DFAs are built on first use under a
// std::call_once, so Check may be called from any number of threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace outdial::store {

class NumberValidator {
 public:
  enum class Verdict { kValid, kInvalid, kUnsupported };
  struct Answer {
    Verdict verdict = Verdict::kUnsupported;
    std::string region;  // when valid: ISO 3166 alpha-2, or "001" for non-geographic numbers
  };

  // The process-wide instance over libphonenumber's metadata.
  static const NumberValidator& Get();

  // `national_significant_number` as GetNationalSignificantNumber writes it (digits, Italian
  // leading zeros included).
  Answer Check(int country_code, std::string_view national_significant_number) const;

  // A number written in national form (`digits`: the digits only, no '+') in `region`: the
  // calling code and national significant number libphonenumber's Parse would make of it, when
  // that is certain without Parse's general machinery (no international prefix, no leading
  // calling code, a national prefix that is a plain digit string); nullopt otherwise (then ask
  // Parse).
  struct National {
    int country_code = 0;
    std::string nsn;
  };
  std::optional<National> NationalNumber(std::string_view region, std::string_view digits) const;
  bool IsCallingCode(int code) const;

  ~NumberValidator();
  NumberValidator(const NumberValidator&) = delete;
  NumberValidator& operator=(const NumberValidator&) = delete;

 private:
  NumberValidator();
  struct Data;
  std::unique_ptr<Data> data_;
};

}  // namespace outdial::store
