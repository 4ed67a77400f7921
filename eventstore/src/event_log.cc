#include "rotonde/eventstore/event_log.h"

#include <future>
#include <memory>

namespace rotonde::eventstore {

AppendResult EventLog::AppendAll(std::vector<StreamAppend> appends, AppendOptions options) {
  auto outcome = std::make_shared<std::promise<AppendResult>>();
  std::future<AppendResult> result = outcome->get_future();
  AppendAsync(std::move(appends), options,
              [outcome](AppendResult done) { outcome->set_value(std::move(done)); });
  return result.get();
}

AppendResult EventLog::Append(std::string_view stream, ExpectedVersion expected,
                              std::vector<NewEvent> events) {
  std::vector<StreamAppend> one;
  one.push_back(StreamAppend{std::string(stream), expected, std::move(events)});
  return AppendAll(std::move(one));
}

}  // namespace rotonde::eventstore
