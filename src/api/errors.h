// The API's error values (API.md "Errors"): the few shapes every route answers with. They are
// turned into the wire body by ErrorResponse (http_server.h). Pure functions, any thread.
#pragma once

#include <string>

#include "core/result.h"

namespace outdial::api {

// VALIDATION_FAILED with one field problem.
core::Error Invalid(std::string field, std::string problem,
                    std::string message = "The request is not valid.");
core::Error NotFound(std::string message = "No such resource.");
core::Error Forbidden();
core::Error Unauthenticated();

}  // namespace outdial::api
