#include "store/import/csv_reader.h"

namespace outdial::store {

CsvReader::CsvReader(size_t max_record_bytes, Handler handler)
    : max_record_bytes_(max_record_bytes), handler_(std::move(handler)) {}

void CsvReader::SetProblem(std::string_view problem) {
  if (problem_.empty()) problem_ = problem;  // the first problem explains the record best
}

void CsvReader::Overflow() {
  // Too long to be a contact: forget what was kept and look for the next line break, whatever
  // the quoting says (an unbalanced quote must not swallow the rest of the file).
  oversized_ = true;
  buffer_.clear();
  buffer_.shrink_to_fit();
  ends_.clear();
  state_ = State::kSkipLine;
}

void CsvReader::Append(char c) {
  if (buffer_.size() >= max_record_bytes_) return Overflow();
  buffer_.push_back(c);
}

size_t CsvReader::AppendRun(std::string_view run) {
  if (buffer_.size() + run.size() > max_record_bytes_) {
    const size_t room = max_record_bytes_ - buffer_.size();
    Overflow();
    return room;  // the line break to skip to is looked for from where the limit was reached
  }
  buffer_.append(run);
  return run.size();
}

void CsvReader::EndField() {
  ends_.push_back(buffer_.size());
}

bool CsvReader::EndRecord() {
  fields_.clear();
  if (!oversized_) {
    size_t begin = 0;
    for (size_t end : ends_) {
      fields_.emplace_back(buffer_.data() + begin, end - begin);
      begin = end;
    }
  }
  const bool blank = !oversized_ && fields_.size() == 1 && fields_[0].empty() && !any_quote_;
  const CsvRecord record{fields_, problem_, oversized_, blank, consumed_};
  const bool go_on = handler_(record);
  buffer_.clear();
  if (buffer_.capacity() > size_t{64} * 1024) buffer_.shrink_to_fit();  // one long record must not pin memory
  ends_.clear();
  problem_.clear();
  oversized_ = false;
  any_quote_ = false;
  started_ = false;
  return go_on;
}

bool CsvReader::Feed(std::string_view chunk) {
  const uint64_t base = consumed_;
  for (size_t i = 0; i < chunk.size(); ++i) {
    char c = chunk[i];
    started_ = true;
    switch (state_) {
      case State::kAfterCr:
        state_ = State::kFieldStart;
        if (c == '\n') {
          started_ = false;  // the LF of a CRLF belongs to the record already ended
          continue;
        }
        [[fallthrough]];
      case State::kFieldStart:
        if (c == '"') {
          any_quote_ = true;
          state_ = State::kQuoted;
          continue;
        }
        state_ = State::kUnquoted;
        [[fallthrough]];
      case State::kUnquoted: {
        // Hot path: copy the whole run of plain bytes up to the next special one at once.
        size_t j = i;
        while (j < chunk.size() && chunk[j] != ',' && chunk[j] != '\n' && chunk[j] != '\r' &&
               chunk[j] != '"') {
          ++j;
        }
        const size_t taken = AppendRun(chunk.substr(i, j - i));
        if (state_ == State::kSkipLine || j == chunk.size()) {
          i += taken;
          --i;  // the loop's ++i lands on the first byte not taken (unsigned wrap-around is defined)
          continue;
        }
        i = j;
        c = chunk[i];
        if (c == ',') {
          EndField();
          state_ = State::kFieldStart;
        } else if (c == '"') {
          SetProblem("a quote inside an unquoted field (quote the whole field and double its quotes)");
          Append(c);
        } else {
          EndField();
          state_ = c == '\r' ? State::kAfterCr : State::kFieldStart;
          consumed_ = base + i + 1;
          if (!EndRecord()) return false;
        }
        continue;
      }
      case State::kQuoted: {
        size_t j = i;
        while (j < chunk.size() && chunk[j] != '"') ++j;
        const size_t taken = AppendRun(chunk.substr(i, j - i));
        if (state_ == State::kSkipLine) {
          i += taken;
          --i;  // as above
          continue;
        }
        if (j < chunk.size()) state_ = State::kQuoteInQuoted;
        i = j;
        continue;
      }
      case State::kQuoteInQuoted:
        if (c == '"') {  // a doubled quote is one quote
          Append('"');
          if (state_ != State::kSkipLine) state_ = State::kQuoted;
          continue;
        }
        if (c == ',') {
          EndField();
          state_ = State::kFieldStart;
          continue;
        }
        if (c == '\n' || c == '\r') {
          EndField();
          state_ = c == '\r' ? State::kAfterCr : State::kFieldStart;
          consumed_ = base + i + 1;
          if (!EndRecord()) return false;
          continue;
        }
        SetProblem("text after the closing quote of a field");
        state_ = State::kUnquoted;
        Append(c);
        continue;
      case State::kSkipLine:
        if (c == '\n' || c == '\r') {
          state_ = c == '\r' ? State::kAfterCr : State::kFieldStart;
          consumed_ = base + i + 1;
          if (!EndRecord()) return false;
        }
        continue;
    }
  }
  consumed_ = base + chunk.size();
  return true;
}

bool CsvReader::Finish() {
  switch (state_) {
    case State::kAfterCr:
    case State::kFieldStart:
      if (!started_) return true;  // the input ended with a line break (or was empty)
      EndField();
      break;
    case State::kUnquoted:
    case State::kQuoteInQuoted: EndField(); break;
    case State::kQuoted:
      SetProblem("a quoted field is not closed before the end of the input");
      EndField();
      break;
    case State::kSkipLine: break;
  }
  state_ = State::kFieldStart;
  return EndRecord();
}

}  // namespace outdial::store
