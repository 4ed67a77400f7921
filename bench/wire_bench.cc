// What the push feed and the command path pay to turn protobuf into JSON and back: an event
// rendered once per flush for every subscriber, and a command parsed from a client's JSON.
#include <benchmark/benchmark.h>
#include <google/protobuf/util/json_util.h>

#include <string>

#include "event_json.h"
#include "rotonde/v1/commands.pb.h"
#include "rotonde/v1/event.pb.h"
#include "rotonde/v1/events.pb.h"

namespace rotonde::bench {
namespace {

// The event rotonde-load's SubmitProposal commands write, as the store returns it.
v1::EventRecord ProposalRecord() {
  v1::DomainEvent event;
  auto* submitted = event.mutable_proposal_submitted();
  submitted->set_proposal_id("prop-load-7f3a-1234");
  submitted->set_title("Meer bankjes op het plein");
  submitted->set_description("Voorstel 1234 uit de belastingproef.");
  submitted->set_submitter_name("Bram de Vries");
  submitted->set_submitted_by("acc-bram");
  v1::EventRecord record;
  record.set_id("evt-load-7f3a-1234-0");
  record.set_stream("kolenkit/proposal/prop-load-7f3a-1234");
  record.set_version(0);
  record.set_position(123'456);
  record.set_type("rotonde.v1.ProposalSubmitted");
  record.mutable_recorded_at()->set_seconds(1'796'000'000);
  record.mutable_recorded_at()->set_nanos(123'456'000);
  record.set_actor("acc-bram");
  record.set_correlation_id("load-7f3a-1234");
  record.set_payload(event.SerializeAsString());
  record.set_prev_hash(std::string(32, '\x5a'));
  record.set_hash(std::string(32, '\xa5'));
  return record;
}

void BM_EventJson(benchmark::State& state) {
  const v1::EventRecord record = ProposalRecord();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string json = wire::EventJson(record, projections::KeylessOpener());
    bytes += json.size();
    benchmark::DoNotOptimize(json);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_EventJson);

// The same record's envelope and payload through protobuf's own printer, which
// wire::MessageJson matches byte for byte: what the feed's render would cost without it.
void BM_EventJsonByProtobuf(benchmark::State& state) {
  const v1::EventRecord record = ProposalRecord();
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  for (auto _ : state) {
    v1::DomainEvent event;
    event.ParseFromString(record.payload());
    std::string envelope, payload;
    auto printed = google::protobuf::util::MessageToJsonString(record, &envelope, options);
    printed = google::protobuf::util::MessageToJsonString(event, &payload, options);
    benchmark::DoNotOptimize(printed);
    benchmark::DoNotOptimize(payload);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventJsonByProtobuf);

void BM_CommandFromJson(benchmark::State& state) {
  const std::string text =
      R"({"commandId":"load-7f3a-1234","submitProposal":{"title":"Meer bankjes op het plein",)"
      R"("description":"Voorstel 1234 uit de belastingproef."}})";
  google::protobuf::util::JsonParseOptions options;
  for (auto _ : state) {
    v1::Command command;
    auto parsed = google::protobuf::util::JsonStringToMessage(text, &command, options);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CommandFromJson);

}  // namespace
}  // namespace rotonde::bench
