// CsvReader: a push parser of RFC 4180 records. Bytes go in by Feed in chunks of any size (an HTTP
// body, a file read in 64 KiB pieces); each complete record comes out through the handler as its
// fields, with the problem that made it malformed, if any. Memory is bounded by one record: a record
// longer than `max_record_bytes` is not kept (the handler gets it `oversized`, without fields) and
// reading resumes after the next line break.
//
// Accepted: quoted fields with commas, doubled quotes and line breaks inside; CRLF, LF or CR line
// ends; no line end after the last record. Malformed (the record is still delimited, so the next
// one is read normally): a quote inside an unquoted field, text after a closing quote, a quoted
// field still open at the end of the input.
//
// Single-threaded: one reader is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace outdial::store {

struct CsvRecord {
  const std::vector<std::string_view>& fields;  // valid during the handler call only
  std::string_view problem;                     // empty when well formed
  bool oversized = false;                       // longer than max_record_bytes; `fields` is empty
  bool blank = false;                           // an empty line (one empty unquoted field)
  uint64_t end_offset = 0;                      // input bytes consumed up to the end of this record
};

class CsvReader {
 public:
  // Return false to stop reading (Feed then returns at once, the rest of the chunk unread).
  using Handler = std::function<bool(const CsvRecord&)>;

  CsvReader(size_t max_record_bytes, Handler handler);

  // Returns false when the handler asked to stop.
  bool Feed(std::string_view chunk);
  // The end of the input: hands out the last record if it had no line end.
  bool Finish();

  uint64_t bytes_consumed() const { return consumed_; }

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kAfterCr, kSkipLine };
  void EndField();
  bool EndRecord();
  void Append(char c);
  size_t AppendRun(std::string_view run);  // returns the bytes of `run` taken
  void Overflow();
  void SetProblem(std::string_view problem);

  size_t max_record_bytes_;
  Handler handler_;
  State state_ = State::kFieldStart;
  std::string buffer_;        // the current record's field bytes, one after the other
  std::vector<size_t> ends_;  // end offset of each finished field in buffer_
  std::vector<std::string_view> fields_;
  std::string problem_;
  bool oversized_ = false;
  bool any_quote_ = false;  // the record had a quoted field (so an empty line it is not)
  bool started_ = false;    // a byte of the current record has been read
  uint64_t consumed_ = 0;
};

}  // namespace outdial::store
