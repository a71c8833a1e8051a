#include "telephony/sip/wire_counters.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace outdial::telephony {

namespace {

bool Is(const char* p, size_t n, std::string_view word) {
  return n == word.size() && std::memcmp(p, word.data(), n) == 0;
}

// The method of a request's start line ("BYE sip:..."): the word before the first space.
SipMethod RequestMethod(const char* p, size_t n) {
  const char* sp = static_cast<const char*>(std::memchr(p, ' ', std::min<size_t>(n, 16)));
  return sp == nullptr ? SipMethod::kOther : MethodOf(p, static_cast<size_t>(sp - p));
}

}  // namespace

std::string_view ToString(SipMethod method) {
  switch (method) {
    case SipMethod::kInvite: return "INVITE";
    case SipMethod::kAck: return "ACK";
    case SipMethod::kBye: return "BYE";
    case SipMethod::kCancel: return "CANCEL";
    case SipMethod::kOptions: return "OPTIONS";
    case SipMethod::kUpdate: return "UPDATE";
    case SipMethod::kInfo: return "INFO";
    case SipMethod::kPrack: return "PRACK";
    case SipMethod::kRefer: return "REFER";
    case SipMethod::kNotify: return "NOTIFY";
    case SipMethod::kSubscribe: return "SUBSCRIBE";
    case SipMethod::kMessage: return "MESSAGE";
    case SipMethod::kRegister: return "REGISTER";
    case SipMethod::kPublish: return "PUBLISH";
    case SipMethod::kOther: return "other";
  }
  return "other";
}

SipMethod MethodOf(const char* p, size_t n) {
  switch (n) {
    case 3:
      if (Is(p, n, "ACK")) return SipMethod::kAck;
      if (Is(p, n, "BYE")) return SipMethod::kBye;
      break;
    case 4:
      if (Is(p, n, "INFO")) return SipMethod::kInfo;
      break;
    case 5:
      if (Is(p, n, "PRACK")) return SipMethod::kPrack;
      if (Is(p, n, "REFER")) return SipMethod::kRefer;
      break;
    case 6:
      if (Is(p, n, "INVITE")) return SipMethod::kInvite;
      if (Is(p, n, "CANCEL")) return SipMethod::kCancel;
      if (Is(p, n, "UPDATE")) return SipMethod::kUpdate;
      if (Is(p, n, "NOTIFY")) return SipMethod::kNotify;
      break;
    case 7:
      if (Is(p, n, "OPTIONS")) return SipMethod::kOptions;
      if (Is(p, n, "MESSAGE")) return SipMethod::kMessage;
      if (Is(p, n, "PUBLISH")) return SipMethod::kPublish;
      break;
    case 8:
      if (Is(p, n, "REGISTER")) return SipMethod::kRegister;
      break;
    case 9:
      if (Is(p, n, "SUBSCRIBE")) return SipMethod::kSubscribe;
      break;
    default: break;
  }
  return SipMethod::kOther;
}

// Counting from the raw start line costs a few compares and sees what the transaction layer
// absorbs (retransmissions), which no listener does.
void CountMessage(SipCounters& c, bool tx, const uint8_t* data, size_t n) {
  const char* p = reinterpret_cast<const char*>(data);
  const bool response = std::memcmp(p, "SIP/2.0 ", 8) == 0;
  if (!tx) {
    ++c.sip_messages_received;
    if (response) {
      Bump(c.responses_received, static_cast<size_t>(p[8] - '0'));
    } else {
      Bump(c.requests_received, static_cast<size_t>(RequestMethod(p, n)));
    }
    return;
  }
  if (response) {
    int code = (p[8] - '0') * 100 + (p[9] - '0') * 10 + (p[10] - '0');
    if (code >= 100 && code <= 699) Bump(c.responses_sent, static_cast<size_t>(code - 100));
  } else {
    Bump(c.requests_sent, static_cast<size_t>(RequestMethod(p, n)));
  }
}

void CountUnsolicited(SipCounters& c, SipMethod method, int status) {
  ++c.unsolicited_requests;
  size_t slot = 0;
  if (status == 405) slot = 1;
  if (status == 481) slot = 2;
  if (status == 603) slot = 3;
  Bump(c.unsolicited_by_status, slot);
  Bump(c.unsolicited_by_method, static_cast<size_t>(method));
}

bool HasSipStartLine(const uint8_t* data, size_t n) {
  const char* p = reinterpret_cast<const char*>(data);
  const char* end = p + std::min<size_t>(n, 2048);
  const char* eol = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
  if (eol == nullptr) return false;
  const char* line_end = eol;
  while (line_end > p && line_end[-1] == '\r') --line_end;
  auto token = [&](const char* from) {
    const char* q = from;
    while (q < line_end && *q != ' ' && *q != '\t' && *q != '\r') ++q;
    return q;
  };
  const char* a_end = token(p);
  if (a_end == p || a_end >= line_end || *a_end != ' ') return false;
  const char* b = a_end + 1;
  const char* b_end = token(b);
  if (b_end == b || b_end >= line_end || *b_end != ' ') return false;
  const char* c = b_end + 1;
  if (Is(p, static_cast<size_t>(a_end - p), "SIP/2.0")) {
    return b_end - b == 3 && std::isdigit(static_cast<unsigned char>(b[0])) &&
           std::isdigit(static_cast<unsigned char>(b[1])) && std::isdigit(static_cast<unsigned char>(b[2]));
  }
  return Is(c, static_cast<size_t>(line_end - c), "SIP/2.0");
}

bool LooksLikeStun(const uint8_t* p, size_t n) {
  return n >= 20 && (p[0] & 0xc0) == 0 && p[4] == 0x21 && p[5] == 0x12 && p[6] == 0xa4 && p[7] == 0x42;
}

}  // namespace outdial::telephony
