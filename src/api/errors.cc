#include "api/errors.h"

namespace outdial::api {

core::Error Invalid(std::string field, std::string problem, std::string message) {
  return core::Error{
      core::ErrorCode::kValidationFailed, std::move(message), {{std::move(field), std::move(problem)}}};
}

core::Error NotFound(std::string message) {
  return core::MakeError(core::ErrorCode::kNotFound, std::move(message));
}

core::Error Forbidden() {
  return core::MakeError(core::ErrorCode::kForbidden, "Your role may not do this.");
}

core::Error Unauthenticated() {
  return core::MakeError(core::ErrorCode::kUnauthenticated,
                         "Log in first: the token is missing, unknown or expired.");
}

}  // namespace outdial::api
