// JsonFramer: a push scanner that finds the elements of the `contacts` array of a body
// `{"contacts": [ {...}, {...} ], ...}` in a stream of chunks, without holding more than one
// element. Each element's text comes out through the handler and is then parsed on its own (the
// importer uses nlohmann::json on it): parsing a whole 1,000,000-contact document at once would
// need the whole body in memory (nlohmann's DOM, simdjson's ondemand) or a pull source that a
// chunked HTTP body is not (nlohmann's SAX reads through an input adapter; simdjson's
// iterate_many wants concatenated documents, not an array).
//
// The framer checks the structure around the elements (the top-level object, the array, commas,
// brackets matching inside an element); a syntax error there cannot be recovered from and ends the
// scan with an error. An error inside an element that keeps its brackets balanced (a missing comma,
// a bad literal) is the element parser's to find, and costs only that element. Other top-level
// keys are skipped. An element longer than `max_element_bytes` is handed out `oversized`,
// without its text.
//
// Single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace outdial::store {

struct JsonElement {
  std::string_view text;  // valid during the handler call only
  bool oversized = false;
  uint64_t end_offset = 0;
};

class JsonFramer {
 public:
  // Return false to stop.
  using Handler = std::function<bool(const JsonElement&)>;

  JsonFramer(size_t max_element_bytes, Handler handler);

  // Returns false when the handler asked to stop or the input is malformed (see error()).
  bool Feed(std::string_view chunk);
  // The end of the input; false when the document is incomplete (see error()).
  bool Finish();

  const std::string& error() const { return error_; }
  bool saw_contacts() const { return saw_contacts_; }
  uint64_t bytes_consumed() const { return consumed_; }

 private:
  enum class State {
    kBeforeObject,
    kKeyOrEnd,  // after '{' or ','
    kKey,       // inside a top-level key string
    kColon,
    kValue,         // before a top-level value
    kSkipValue,     // inside a top-level value that is not `contacts`
    kCommaOrEnd,    // after a top-level value
    kElementOrEnd,  // after '[' or ',' in contacts
    kElement,       // inside an element
    kElementCommaOrEnd,
    kDone,  // after the closing '}'
    kFailed,
  };
  // A value scanner shared by kSkipValue and kElement: tracks strings and bracket nesting.
  // Returns 1 when the value ended with this byte (consumed), 2 when it ended before this byte
  // (a number or literal ends at the next delimiter, which is not consumed), 0 to go on, -1 on a
  // syntax error.
  int Scan(char c);
  bool Fail(std::string message);
  void StartValue();

  size_t max_element_bytes_;
  Handler handler_;
  State state_ = State::kBeforeObject;
  bool first_ = true;  // no entry yet in the current object/array (a ',' before '}' is an error)
  std::string key_;
  std::string element_;
  bool oversized_ = false;
  bool saw_contacts_ = false;
  bool in_contacts_value_ = false;
  // Scan state
  std::vector<char> nesting_;
  bool in_string_ = false;
  bool escape_ = false;
  bool scalar_ = false;
  bool started_value_ = false;
  std::string error_;
  uint64_t consumed_ = 0;
};

}  // namespace outdial::store
