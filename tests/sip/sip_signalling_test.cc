// The SIP driver against sipp on loopback: reservation calls, every customer outcome, CANCEL,
// early media, BYE from either side, re-INVITE, stray traffic. Each test checks the LegEvents the
// engine would see, their SIP codes and how PRODUCT.md §7 classifies them; sipp's exit status
// checks what the driver sent (CANCEL, ACK, BYE, the answer to the re-INVITE).
#include <cstring>
#include <thread>

#include "core/outcome.h"
#include "sip_harness.h"

namespace outdial::sip_test {
namespace {

using engine::LegEventKind;

std::vector<std::string> Uas(uint16_t rtp_port, int answer_after_ms, int codec = 0) {
  return {"-key",
          "rtpport",
          std::to_string(rtp_port),
          "-key",
          "codec",
          std::to_string(codec),
          "-key",
          "codec_name",
          codec == 8 ? "PCMA" : "PCMU",
          "-d",
          std::to_string(answer_after_ms)};
}

class SipSignalling : public SipFixture {};

TEST_F(SipSignalling, AgentAnswersReservationCallAndWeHangUp) {
  UdpSocket phone;
  Sipp agent("uas_answer.xml", Uas(phone.port(), 300));
  StartDriver();
  Originate(Agent(1, agent.uri("agent1")));
  auto ringing = recorder_.WaitFor(core::LegId{1}, LegEventKind::kRinging, 5s);
  ASSERT_TRUE(ringing) << agent.Log();
  EXPECT_EQ(ringing->sip_code, 180);
  auto answered = recorder_.WaitFor(core::LegId{1}, LegEventKind::kAnswered, 5s);
  ASSERT_TRUE(answered) << Describe(recorder_.Of(core::LegId{1})) << agent.Log();
  EXPECT_EQ(answered->sip_code, 200);
  EXPECT_NE(phones_->LocalRtpPort(core::LegId{1}), 0);
  Hangup(core::LegId{1});  // the agent's session ends: BYE
  EXPECT_EQ(agent.Wait(10s), 0) << agent.Log();
  EXPECT_EQ(phones_->counters().byes_sent.load(), 1u);
  // No event follows for a leg the engine hung up itself.
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(recorder_.Of(core::LegId{1}).size(), 2u) << Describe(recorder_.Of(core::LegId{1}));
  EXPECT_TRUE(Eventually([&] { return phones_->active_legs() == 0; }));
}

TEST_F(SipSignalling, AgentDoesNotAnswerAndTheRingLimitCancels) {
  Sipp agent("uas_ring_cancel.xml", {});
  StartDriver();
  Originate(Agent(1, agent.uri("agent1")));
  ASSERT_TRUE(recorder_.WaitFor(core::LegId{1}, LegEventKind::kRinging, 5s)) << agent.Log();
  // The engine's reservation ring limit expires: Hangup on a ringing leg is a CANCEL.
  Hangup(core::LegId{1});
  EXPECT_EQ(agent.Wait(10s), 0) << agent.Log();
  EXPECT_EQ(phones_->counters().cancels_sent.load(), 1u);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(recorder_.Of(core::LegId{1}).size(), 1u) << Describe(recorder_.Of(core::LegId{1}));
}

TEST_F(SipSignalling, UnreachableStationFailsTheReservation) {
  Sipp agent(
      InstantiateScenario("uas_reject.xml", {{"@CODE@", "480"}, {"@REASON@", "Temporarily Unavailable"}}),
      {"-d", "50"});
  StartDriver();
  Originate(Agent(1, agent.uri("agent1")));
  auto failed = recorder_.WaitFor(core::LegId{1}, LegEventKind::kFailed, 5s);
  ASSERT_TRUE(failed) << agent.Log();
  EXPECT_EQ(failed->sip_code, 480);
  EXPECT_EQ(agent.Wait(10s), 0) << agent.Log();
}

TEST_F(SipSignalling, CustomerAnswersAndWeHangUp) {
  UdpSocket phone;
  Sipp trunk("uas_answer.xml", Uas(phone.port(), 200));
  StartDriver(trunk.port());
  Originate(Customer(7, "+12015550123"));
  auto ringing = recorder_.WaitFor(core::LegId{7}, LegEventKind::kRinging, 5s);
  ASSERT_TRUE(ringing) << trunk.Log();
  EXPECT_EQ(ringing->sip_code, 180);
  auto answered = recorder_.WaitFor(core::LegId{7}, LegEventKind::kAnswered, 5s);
  ASSERT_TRUE(answered) << trunk.Log();
  EXPECT_EQ(answered->sip_code, 200);
  EXPECT_EQ(answered->amd, core::AmdResult::kUnknown);  // no CPA asked for
  Hangup(core::LegId{7});
  EXPECT_EQ(trunk.Wait(10s), 0) << trunk.Log();
  EXPECT_EQ(phones_->counters().invites_sent.load(), 1u);
}

struct RejectCase {
  int code;
  const char* reason;
  core::ReasonCode expected;
};

void PrintTo(const RejectCase& c, std::ostream* os) {
  *os << c.code;
}

class SipReject : public SipFixture, public ::testing::WithParamInterface<RejectCase> {};

TEST_P(SipReject, FinalResponseFailsTheLegWithItsCode) {
  const RejectCase& c = GetParam();
  Sipp trunk(
      InstantiateScenario("uas_reject.xml", {{"@CODE@", std::to_string(c.code)}, {"@REASON@", c.reason}}),
      {"-d", "100"});
  StartDriver(trunk.port());
  Originate(Customer(3, "+12015550199"));
  auto failed = recorder_.WaitFor(core::LegId{3}, LegEventKind::kFailed, 5s);
  ASSERT_TRUE(failed) << trunk.Log();
  EXPECT_EQ(failed->sip_code, c.code);
  EXPECT_FALSE(failed->outcome_hint.has_value());
  EXPECT_EQ(core::ClassifySipFailure(failed->sip_code, false).reason, c.expected);
  EXPECT_EQ(trunk.Wait(10s), 0) << trunk.Log();  // we ACKed the final response
  EXPECT_EQ(recorder_.Of(core::LegId{3}).size(), 1u) << Describe(recorder_.Of(core::LegId{3}));
}

INSTANTIATE_TEST_SUITE_P(
    Codes, SipReject,
    ::testing::Values(RejectCase{486, "Busy Here", core::ReasonCode::kCustomerBusy},
                      RejectCase{480, "Temporarily Unavailable", core::ReasonCode::kNoAnswer},
                      RejectCase{404, "Not Found", core::ReasonCode::kInvalidNumber},
                      RejectCase{503, "Service Unavailable", core::ReasonCode::kNetworkError},
                      RejectCase{603, "Decline", core::ReasonCode::kCallRejected}),
    [](const auto& param_info) { return std::to_string(param_info.param.code); });

TEST_F(SipSignalling, NoResponseAtAllIsANetworkErrorWithCodeZero) {
  UdpSocket black_hole;  // receives the INVITEs and never answers
  telephony::SipConfig config;
  config.invite_timeout_ms = 1500;
  StartDriver(black_hole.port(), config);
  auto start = std::chrono::steady_clock::now();
  Originate(Customer(4, "+12015550100"));
  auto failed = recorder_.WaitFor(core::LegId{4}, LegEventKind::kFailed, 6s);
  ASSERT_TRUE(failed);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(failed->sip_code, 0);
  EXPECT_EQ(core::ClassifySipFailure(0, false).reason, core::ReasonCode::kNetworkError);
  EXPECT_GE(took, 1400ms);
  EXPECT_LT(took, 4s);
  auto got = black_hole.Drain();
  ASSERT_GE(got.size(), 2u);  // the INVITE and at least one retransmission (T1 = 500 ms)
  EXPECT_EQ(got[0].rfind("INVITE sip:+12015550100@127.0.0.1:", 0), 0u) << got[0];
  EXPECT_NE(got[0].find("From: <sip:+12015550000@"), std::string::npos) << got[0];  // the caller id
}

TEST_F(SipSignalling, CustomerRingsThenTheAgentCancels) {
  Sipp trunk("uas_ring_cancel.xml", {});
  StartDriver(trunk.port());
  Originate(Customer(5, "+12015550101"));
  ASSERT_TRUE(recorder_.WaitFor(core::LegId{5}, LegEventKind::kRinging, 5s)) << trunk.Log();
  Hangup(core::LegId{5});  // the agent's Cancel, or the engine's no-answer ring limit
  EXPECT_EQ(trunk.Wait(10s), 0) << trunk.Log();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(recorder_.Of(core::LegId{5}).size(), 1u) << Describe(recorder_.Of(core::LegId{5}));
  EXPECT_TRUE(Eventually([&] { return phones_->active_legs() == 0; }));
}

TEST_F(SipSignalling, CustomerHangsUpWithBye) {
  UdpSocket phone;
  Sipp trunk("uas_bye.xml", Uas(phone.port(), 100));
  StartDriver(trunk.port());
  Originate(Customer(6, "+12015550102"));
  ASSERT_TRUE(recorder_.WaitFor(core::LegId{6}, LegEventKind::kAnswered, 5s)) << trunk.Log();
  auto ended = recorder_.WaitFor(core::LegId{6}, LegEventKind::kEnded, 5s);
  ASSERT_TRUE(ended) << Describe(recorder_.Of(core::LegId{6})) << trunk.Log();
  EXPECT_EQ(trunk.Wait(10s), 0) << trunk.Log();  // our 200 OK to its BYE
  EXPECT_EQ(phones_->counters().legs_ended_remote.load(), 1u);
  // Hanging up a leg that already ended is harmless.
  Hangup(core::LegId{6});
  EXPECT_TRUE(Eventually([&] { return phones_->active_legs() == 0; }));
}

TEST_F(SipSignalling, AgentStationHangsUpWithBye) {
  UdpSocket phone;
  Sipp agent("uas_bye.xml", Uas(phone.port(), 100));
  StartDriver();
  Originate(Agent(8, agent.uri("agent1")));
  ASSERT_TRUE(recorder_.WaitFor(core::LegId{8}, LegEventKind::kAnswered, 5s)) << agent.Log();
  ASSERT_TRUE(recorder_.WaitFor(core::LegId{8}, LegEventKind::kEnded, 5s)) << agent.Log();
  EXPECT_EQ(agent.Wait(10s), 0) << agent.Log();
}

TEST_F(SipSignalling, ReInviteMidCallIsAnsweredAndTheCallGoesOn) {
  UdpSocket phone;
  Sipp trunk("uas_reinvite.xml", Uas(phone.port(), 100));
  StartDriver(trunk.port());
  Originate(Customer(9, "+12015550103"));
  ASSERT_TRUE(recorder_.WaitFor(core::LegId{9}, LegEventKind::kAnswered, 5s)) << trunk.Log();
  ASSERT_TRUE(Eventually([&] { return phones_->counters().reinvites_answered.load() == 1; }, 5s))
      << trunk.Log();
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(recorder_.Of(core::LegId{9}).size(), 2u) << Describe(recorder_.Of(core::LegId{9}));  // still up
  Hangup(core::LegId{9});
  EXPECT_EQ(trunk.Wait(10s), 0) << trunk.Log();
}

TEST_F(SipSignalling, SessionRefreshByUpdateIsAnswered) {
  UdpSocket phone;
  Sipp trunk("uas_update.xml", Uas(phone.port(), 100));
  StartDriver(trunk.port());
  Originate(Customer(10, "+12015550108"));
  ASSERT_TRUE(recorder_.WaitFor(core::LegId{10}, LegEventKind::kAnswered, 5s)) << trunk.Log();
  ASSERT_TRUE(Eventually([&] { return phones_->counters().updates_answered.load() == 1; }, 5s))
      << trunk.Log();
  EXPECT_EQ(recorder_.Of(core::LegId{10}).size(), 2u) << Describe(recorder_.Of(core::LegId{10}));
  Hangup(core::LegId{10});
  EXPECT_EQ(trunk.Wait(10s), 0) << trunk.Log();
}

TEST_F(SipSignalling, EarlyMediaInDirectPreviewReachesTheAgent) {
  UdpSocket agent_phone, customer_media;
  Sipp agent("uas_answer.xml", Uas(agent_phone.port(), 100));
  Sipp trunk("uas_early.xml", {"-key", "rtpport", std::to_string(customer_media.port())});
  StartDriver(trunk.port());
  Originate(Agent(1, agent.uri("agent1")));
  ASSERT_TRUE(recorder_.WaitFor(core::LegId{1}, LegEventKind::kAnswered, 5s)) << agent.Log();
  auto customer = Customer(2, "+12015550104", core::LegId{1});
  customer.early_media_to_agent = true;
  Originate(customer);
  auto ringing = recorder_.WaitFor(core::LegId{2}, LegEventKind::kRinging, 5s);
  ASSERT_TRUE(ringing) << trunk.Log();
  EXPECT_EQ(ringing->sip_code, 183);
  auto early = recorder_.WaitFor(core::LegId{2}, LegEventKind::kEarlyMedia, 5s);
  ASSERT_TRUE(early) << Describe(recorder_.Of(core::LegId{2}));
  EXPECT_EQ(early->sip_code, 183);
  // The ringback the network plays reaches the agent's phone through the server.
  uint16_t server_port = phones_->LocalRtpPort(core::LegId{2});
  ASSERT_NE(server_port, 0);
  int received = 0;
  for (int i = 0; i < 20; ++i) {
    uint8_t pkt[12 + 160] = {0x80, 0x00};
    pkt[3] = static_cast<uint8_t>(i);
    std::memset(pkt + 12, 0x55, 160);
    customer_media.SendTo(server_port, pkt, sizeof(pkt));
    std::this_thread::sleep_for(5ms);
    received += static_cast<int>(agent_phone.Drain().size());
  }
  received += static_cast<int>(agent_phone.Receive(300ms).size());
  EXPECT_EQ(received, 20);
  // The agent gives up (Direct Preview has no ring limit): CANCEL.
  Hangup(core::LegId{2});
  EXPECT_EQ(trunk.Wait(10s), 0) << trunk.Log();
  Hangup(core::LegId{1});
  EXPECT_EQ(agent.Wait(10s), 0) << agent.Log();
}

TEST_F(SipSignalling, DigestCredentialsAnswerTheTrunksChallenge) {
  UdpSocket phone;
  Sipp trunk("uas_auth.xml", Uas(phone.port(), 100));
  telephony::SipConfig config;
  config.username = "trunkuser";
  config.password = "s3cret";
  StartDriver(trunk.port(), config);
  Originate(Customer(12, "+12015550106"));
  ASSERT_TRUE(recorder_.WaitFor(core::LegId{12}, LegEventKind::kAnswered, 5s))
      << Describe(recorder_.Of(core::LegId{12})) << trunk.Log();
  Hangup(core::LegId{12});
  EXPECT_EQ(trunk.Wait(10s), 0) << trunk.Log();  // sipp verified the Authorization header
}

TEST_F(SipSignalling, WrongDigestCredentialsAreRejected) {
  UdpSocket phone;
  Sipp trunk("uas_auth.xml", Uas(phone.port(), 100));
  telephony::SipConfig config;
  config.username = "trunkuser";
  config.password = "wrong";
  StartDriver(trunk.port(), config);
  Originate(Customer(13, "+12015550107"));
  auto failed = recorder_.WaitFor(core::LegId{13}, LegEventKind::kFailed, 5s);
  ASSERT_TRUE(failed) << trunk.Log();
  EXPECT_EQ(failed->sip_code, 403);
  EXPECT_EQ(core::ClassifySipFailure(403, false).reason, core::ReasonCode::kCallRejected);
}

TEST_F(SipSignalling, BadStationOrNumberFailsWithoutSending) {
  StartDriver();
  Originate(Agent(1, "sim:auto"));
  Originate(Customer(2, "+1 201 555; drop"));
  auto a = recorder_.WaitFor(core::LegId{1}, LegEventKind::kFailed, 2s);
  auto c = recorder_.WaitFor(core::LegId{2}, LegEventKind::kFailed, 2s);
  ASSERT_TRUE(a);
  ASSERT_TRUE(c);
  EXPECT_EQ(a->sip_code, 0);
  EXPECT_EQ(c->sip_code, 484);
  EXPECT_EQ(phones_->counters().invites_sent.load(), 0u);
}

TEST_F(SipSignalling, StrayAndMalformedTrafficIsAnsweredOrDroppedAndCounted) {
  UdpSocket phone;
  Sipp trunk("uas_answer.xml", Uas(phone.port(), 100));
  StartDriver(trunk.port());
  Originate(Customer(9, "+12015550105"));
  ASSERT_TRUE(recorder_.WaitFor(core::LegId{9}, LegEventKind::kAnswered, 5s)) << trunk.Log();

  UdpSocket attacker;
  const uint16_t sip = phones_->sip_port();
  auto request = [&](const std::string& method, const std::string& cseq_method) {
    std::string m = method + " sip:outdial@127.0.0.1:" + std::to_string(sip) + " SIP/2.0\r\n" +
                    "Via: SIP/2.0/UDP 127.0.0.1:" + std::to_string(attacker.port()) + ";branch=z9hG4bK" +
                    method + "\r\nFrom: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:outdial@127.0.0.1>\r\n" +
                    "Call-ID: stray-" + method + "\r\nCSeq: 1 " + cseq_method +
                    "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    attacker.Drain();
    attacker.SendTo(sip, m.data(), m.size());
    auto got = attacker.Receive(2s);
    return got.empty() ? std::string("(nothing)") : got[0];
  };
  EXPECT_EQ(request("OPTIONS", "OPTIONS").rfind("SIP/2.0 200", 0), 0u);  // keep-alive pings: answered
  EXPECT_EQ(request("MESSAGE", "MESSAGE").rfind("SIP/2.0 405", 0), 0u);  // not for us: refused
  EXPECT_EQ(request("NOTIFY", "OPTIONS").rfind("SIP/2.0 400", 0), 0u);   // CSeq contradicts it: 400
  EXPECT_EQ(request("BYE", "BYE").rfind("SIP/2.0 481", 0), 0u);          // no such dialog
  // What does not even parse is dropped by libre without an answer.
  const std::string garbage = "\x01\x02 this is not SIP at all \xff\r\n\r\n";
  attacker.SendTo(sip, garbage.data(), garbage.size());
  EXPECT_TRUE(attacker.Receive(200ms).empty());
  EXPECT_EQ(request("INVITE", "INVITE").rfind("SIP/2.0 603", 0), 0u);  // we only dial out

  const auto& c = phones_->counters();
  EXPECT_EQ(c.options_answered.load(), 1u);
  EXPECT_EQ(c.unsolicited_requests.load(), 3u);  // the MESSAGE, the BYE and the INVITE
  EXPECT_EQ(c.malformed_messages.load(), 1u);
  // The call in progress did not notice.
  EXPECT_EQ(recorder_.Of(core::LegId{9}).size(), 2u) << Describe(recorder_.Of(core::LegId{9}));
  Hangup(core::LegId{9});
  EXPECT_EQ(trunk.Wait(10s), 0) << trunk.Log();
}

}  // namespace
}  // namespace outdial::sip_test
