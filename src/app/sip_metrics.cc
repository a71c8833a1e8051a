#include "app/sip_metrics.h"

#include <string>
#include <utility>

#include "telephony/media/call_analyzer.h"

namespace outdial::app {
namespace {

using Family = api::CollectedFamily;

double Value(const std::atomic<uint64_t>& counter) {
  return static_cast<double>(counter.load(std::memory_order_relaxed));
}

Family Make(std::string name, std::string help, Family::Type type = Family::Type::kCounter) {
  Family f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

void Add(Family& f, double value, std::vector<std::pair<std::string, std::string>> labels = {}) {
  f.samples.push_back({std::move(labels), value});
}

template <size_t N>
void ByMethod(Family& f, const telephony::SipCounters::Array<N>& counters) {
  for (size_t i = 0; i < N; ++i) {
    Add(f, Value(counters[i]),
        {{"method", std::string(telephony::ToString(static_cast<telephony::SipMethod>(i)))}});
  }
}

// Status codes: only those seen (there are 600 slots), so the family is empty until one is.
template <size_t N>
void ByCode(Family& f, const telephony::SipCounters::Array<N>& counters) {
  for (size_t i = 0; i < N; ++i) {
    if (double v = Value(counters[i]); v > 0) Add(f, v, {{"code", std::to_string(100 + i)}});
  }
}

}  // namespace

void CollectSipMetrics(const telephony::SipTelephony& sip, std::vector<api::CollectedFamily>& out) {
  const telephony::SipCounters& c = sip.counters();

  Family requests = Make("outdial_sip_requests_received_total",
                         "SIP requests received and parsed, by method (retransmissions included)");
  ByMethod(requests, c.requests_received);
  out.push_back(std::move(requests));

  Family responses = Make("outdial_sip_responses_received_total",
                          "SIP responses received and parsed, by class (retransmissions included)");
  for (size_t k = 1; k <= 6; ++k) {
    Add(responses, Value(c.responses_received[k]), {{"class", std::to_string(k) + "xx"}});
  }
  out.push_back(std::move(responses));

  Family requests_sent =
      Make("outdial_sip_requests_sent_total", "SIP requests sent, by method (retransmissions included)");
  ByMethod(requests_sent, c.requests_sent);
  out.push_back(std::move(requests_sent));

  Family responses_sent = Make("outdial_sip_responses_sent_total",
                               "SIP responses sent, by status code (retransmissions included)");
  ByCode(responses_sent, c.responses_sent);
  out.push_back(std::move(responses_sent));

  Family invites =
      Make("outdial_sip_invites_sent_total", "INVITE transactions started (reservation and customer legs)");
  Add(invites, Value(c.invites_sent));
  out.push_back(std::move(invites));

  Family finals = Make("outdial_sip_invite_final_responses_total",
                       "Final responses that ended the INVITEs we sent, by status code");
  ByCode(finals, c.invite_final_responses);
  out.push_back(std::move(finals));

  Family timeouts = Make("outdial_sip_invite_timeouts_total",
                         "INVITEs with no final response: nothing within invite_timeout_ms, or Timer B");
  Add(timeouts, Value(c.invite_timeouts));
  out.push_back(std::move(timeouts));

  Family legs =
      Make("outdial_sip_legs_total", "Legs by how they went: answered, failed, ended by the far end");
  Add(legs, Value(c.legs_answered), {{"result", "answered"}});
  Add(legs, Value(c.legs_failed), {{"result", "failed"}});
  Add(legs, Value(c.legs_ended_remote), {{"result", "ended_remote"}});
  out.push_back(std::move(legs));

  Family hangups =
      Make("outdial_sip_hangups_sent_total", "Legs we hung up: CANCEL before an answer, BYE after");
  Add(hangups, Value(c.cancels_sent), {{"method", "CANCEL"}});
  Add(hangups, Value(c.byes_sent), {{"method", "BYE"}});
  out.push_back(std::move(hangups));

  Family in_dialog = Make("outdial_sip_requests_answered_total",
                          "Requests answered 200: re-INVITEs and UPDATEs in our dialogs, OPTIONS pings");
  Add(in_dialog, Value(c.reinvites_answered), {{"method", "INVITE"}});
  Add(in_dialog, Value(c.updates_answered), {{"method", "UPDATE"}});
  Add(in_dialog, Value(c.options_answered), {{"method", "OPTIONS"}});
  out.push_back(std::move(in_dialog));

  Family unsolicited = Make("outdial_sip_unsolicited_requests_total",
                            "Requests for no dialog of ours, refused, by the status answered (none: an ACK)");
  const char* statuses[] = {"none", "405", "481", "603"};
  for (size_t i = 0; i < 4; ++i) {
    Add(unsolicited, Value(c.unsolicited_by_status[i]), {{"status", statuses[i]}});
  }
  out.push_back(std::move(unsolicited));

  Family unsolicited_methods = Make("outdial_sip_unsolicited_requests_by_method_total",
                                    "Requests for no dialog of ours, refused, by method");
  ByMethod(unsolicited_methods, c.unsolicited_by_method);
  out.push_back(std::move(unsolicited_methods));

  Family stray =
      Make("outdial_sip_stray_responses_total", "Responses no transaction of ours claims, dropped");
  Add(stray, Value(c.stray_responses));
  out.push_back(std::move(stray));

  Family malformed =
      Make("outdial_sip_malformed_total",
           "Malformed SIP: answered 400 (self-contradictory request) or dropped (not SIP, unparsable)");
  Add(malformed, Value(c.malformed_messages), {{"action", "answered_400"}});
  Add(malformed, Value(c.malformed_dropped), {{"action", "dropped"}});
  out.push_back(std::move(malformed));

  Family rtp = Make(
      "outdial_sip_rtp_packets_total",
      "RTP packets on the anchored legs: received, relayed to the peer (transcoded among them), dropped");
  Add(rtp, Value(c.rtp_packets_received), {{"result", "received"}});
  Add(rtp, Value(c.rtp_packets_relayed), {{"result", "relayed"}});
  Add(rtp, Value(c.rtp_packets_transcoded), {{"result", "transcoded"}});
  Add(rtp, Value(c.rtp_packets_dropped), {{"result", "dropped"}});
  Add(rtp, Value(c.rtp_packets_foreign), {{"result", "foreign"}});
  out.push_back(std::move(rtp));

  Family dtmf = Make("outdial_sip_dtmf_events_relayed_total", "RFC 4733 event packets relayed");
  Add(dtmf, Value(c.dtmf_events_relayed));
  out.push_back(std::move(dtmf));

  Family cpa = Make("outdial_sip_cpa_verdicts_total", "Call progress analysis verdicts, by verdict");
  for (size_t i = 0; i < c.cpa_verdicts_by_kind.size(); ++i) {
    Add(cpa, Value(c.cpa_verdicts_by_kind[i]),
        {{"verdict",
          std::string(telephony::media::ToString(static_cast<telephony::media::VerdictKind>(i)))}});
  }
  out.push_back(std::move(cpa));

  Family active = Make("outdial_sip_active_legs", "Legs alive in the SIP driver", Family::Type::kGauge);
  Add(active, static_cast<double>(sip.active_legs()));
  out.push_back(std::move(active));
}

}  // namespace outdial::app
