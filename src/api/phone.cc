#include "api/phone.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

namespace outdial::api {

std::optional<std::string> NormalizeNumber(std::string_view text, std::string_view default_region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  if (text.empty() || text.size() > 64) return std::nullopt;
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  std::string region(default_region.empty() ? "ZZ" : default_region);
  if (util->Parse(std::string(text), region, &number) != PhoneNumberUtil::NO_PARSING_ERROR)
    return std::nullopt;
  // "Possible" (length fits the country) rather than "valid" (the range is allocated today):
  // test and demo ranges such as +1 201 555 01xx must import, and the trunk reports the rest.
  if (!util->IsPossibleNumber(number)) return std::nullopt;
  std::string out;
  util->Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

}  // namespace outdial::api
